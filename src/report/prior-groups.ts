/**
 * Priors as one line of text, parameters with the same prior together: "b_x, b_z ~ normal(0, 2.5); sd_g__Intercept ~
 * halfstudent_t(3, 2.5)"; a group of many ("b_gL2, b_gL3, b_gL4, b_gL5 and 595 more ~ normal(0, 61.3)") and the
 * groups past the first few are counted. Used by the model's notes (src/model/build.ts) and `nutmeg summary` (from
 * fit.json).
 */
import { formatPrior, type LkjPrior, type Prior } from '../model/prior.js';

/** The most groups listed; the rest are counted ("and 12 more (fit.json lists every prior)"). */
export const LISTED_PRIOR_GROUPS = 8;
/** The most parameters named in one group (a 600-level factor's coefficients share one prior); the rest are counted. */
export const LISTED_GROUP_NAMES = 4;

export function priorGroupsText(rows: readonly { readonly parameter: string; readonly prior: Prior | LkjPrior }[]): string {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const text = formatPrior(row.prior);
    const names = groups.get(text) ?? [];
    names.push(row.parameter);
    groups.set(text, names);
  }
  const all = [...groups.entries()];
  const named = (names: readonly string[]): string =>
    names.length <= LISTED_GROUP_NAMES + 1
      ? names.join(', ')
      : `${names.slice(0, LISTED_GROUP_NAMES).join(', ')} and ${names.length - LISTED_GROUP_NAMES} more`;
  const shown = all.slice(0, LISTED_PRIOR_GROUPS).map(([text, names]) => `${named(names)} ~ ${text}`);
  const rest = all.slice(LISTED_PRIOR_GROUPS).reduce((n, [, names]) => n + names.length, 0);
  return `${shown.join('; ')}${rest > 0 ? `; and ${rest} more (fit.json lists every prior)` : ''}`;
}
