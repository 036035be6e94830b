// Interface strings of the transaction form and the risk profile (English and Dutch), kept
// apart from i18n.ts so the risk views carry their own vocabulary. Merged into the tables there.

export const riskEn = {
  'risk.heading': 'Risk profile',
};

export const riskNl: Record<keyof typeof riskEn, string> = {
  'risk.heading': 'Risicoprofiel',
};
