// Small display helpers shared by the views. No IO.

/** Score bands of the design: red at 0.95 and above, amber at the alert threshold. */
export function scoreBand(score: number | null | undefined, threshold = 0.8): 'high' | 'mid' | 'low' {
  if (score == null) return 'low';
  if (score >= 0.95) return 'high';
  if (score >= threshold) return 'mid';
  return 'low';
}

export function fmtScore(score: number | null | undefined): string {
  return score == null ? '–' : score.toFixed(2);
}

/** A signed delta as the core prints it: +0.05, −0.15, ±0.00. */
export function fmtDelta(delta: number): string {
  if (delta > 0) return `+${delta.toFixed(2)}`;
  if (delta < 0) return `−${Math.abs(delta).toFixed(2)}`;
  return '±0.00';
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-GB').replace(/,/g, '\u202f');
}

/** "2026-11-23T14:00:26Z" → "2026-11-23 14:00" in local time. */
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The last path segment, for showing a picked file without its whole directory. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

export const BIRTH_DATE_RE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
export const COUNTRY_RE = /^[A-Za-z]{2}$/;
