/**
 * Calendar days and durations for the customer-lifetime-value command: transaction dates as ISO 8601 calendar dates
 * (YYYY-MM-DD, optionally followed by a time, which is ignored: purchases count by day) and durations such as `52w`
 * or `182d` (weeks are the models' time unit).
 */
import { UserError } from '../../errors.js';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD[ time]); null when the text is not one or names no real day. */
export function parseIsoDay(text: string): number | null {
  const m = ISO_DATE.exec(text.trim());
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return ms / MS_PER_DAY;
}

/** YYYY-MM-DD of a day number (days since 1970-01-01). */
export function isoDayText(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Weeks in a duration flag value: `52w`, `26w`, `182d`, `1.5w`; `flag` names the flag for the message. */
export function parseWeeks(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([wd])\s*$/i.exec(text);
  if (m === null) throw new UserError(`${flag} "${text}": give a duration in weeks or days, such as 52w or 182d`);
  const value = Number(m[1]);
  return m[2].toLowerCase() === 'w' ? value : value / 7;
}
