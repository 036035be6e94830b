// Interface strings of the online update: the update panel, list deltas and monitoring alerts
// (English and Dutch). Merged into the tables in i18n.ts.

export const updateEn = {
  'update.heading': 'Online update',
};

export const updateNl: Record<keyof typeof updateEn, string> = {
  'update.heading': 'Online bijwerken',
};
