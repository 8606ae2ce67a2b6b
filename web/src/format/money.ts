/** Money as the graph sends it: an integer amount in the currency's minor units (cents for USD). */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatterOf(currency: string): Intl.NumberFormat {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return formatter;
}

/** How many minor units digits the currency has: 2 for USD and EUR, 0 for JPY, 3 for KWD. */
export const fractionDigitsOf = (currency: string): number =>
  formatterOf(currency).resolvedOptions().maximumFractionDigits ?? 2;

/** `{ amount: 14880, currency: 'EUR' }` → "€148.80" in the browser's locale. */
export function formatMoney({ amount, currency }: Money): string {
  return formatterOf(currency).format(amount / 10 ** fractionDigitsOf(currency));
}

/**
 * A price typed in major units ("12.5") as minor units (1250), or null when it is not a non-negative amount
 * with at most the currency's decimals. Parsed as text, so no floating-point rounding is involved.
 */
export function minorUnitsOf(typed: string, currency: string): number | null {
  const digits = fractionDigitsOf(currency);
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(typed.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const amount = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(amount) ? amount : null;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDate = (iso: string): string => dateFormat.format(new Date(iso));
