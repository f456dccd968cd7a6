/**
 * The terminal summary of a fit with very many group effects: every population-level row (b_, sd_ and anything not
 * indexed by level) and, of each family of per-level variables (r_g__t[k], z_g__t[k], e_…; `.k` in CmdStan's
 * spelling), only the levels with the lowest and highest posterior means, plus one line saying how many were left
 * out and where the full table is. The coefficients of a categorical fixed effect stored as a level index (b_gL2,
 * b_gL3, … of `y ~ x + g` with thousands of levels; indexedFixedFamilies) are such a family too, named `b_` + the
 * term. Applied by `nutmeg fit` and `nutmeg summary` to the table and markdown formats when no --vars was given and
 * the per-level rows number more than MAX_SHOWN_EFFECTS; CSV and JSON stay whole.
 */
import { groupedInteger } from './integer-text.js';
import type { SummaryRow } from '../diagnostics/summary.js';
import { isPerLevelName } from '../io/variable-names.js';
import { extremeIndices } from './extremes.js';

/** Above this many per-level rows the table is condensed. */
export const MAX_SHOWN_EFFECTS = 200;
/** Of each family, this many lowest and this many highest means are shown. */
export const EXTREMES_PER_SIDE = 3;

/** The family of a per-level variable (`r_g__Intercept[3]` → `r_g__Intercept`), or null for a population-level one. */
export function effectFamily(name: string): string | null {
  return isPerLevelName(name) ? name.replace(/(?:\[\d+\]|\.\d+)$/, '') : null;
}

/**
 * The coefficients of the indexed fixed terms (fit.json `fixedLayout`): variable name → family (`b_` + the term).
 * `bNames`: the b_ variables in the draws' order, whose first `dense` are the dense columns and the rest each indexed
 * term's coefficients in turn (src/model/spec.ts FixedEffects).
 */
export function indexedFixedFamilies(
  bNames: readonly string[],
  layout: { readonly dense: number; readonly indexed: readonly { readonly term: string; readonly coefficients: number }[] } | undefined,
): Map<string, string> {
  const families = new Map<string, string>();
  if (layout === undefined) return families;
  let at = layout.dense;
  for (const t of layout.indexed) {
    for (const name of bNames.slice(at, at + t.coefficients)) families.set(name, `b_${t.term}`);
    at += t.coefficients;
  }
  return families;
}

export interface CondensedSummary {
  readonly rows: SummaryRow[];
  /** Per-level rows left out. */
  readonly hidden: number;
  /** Each family: its name, how many levels (coefficients) it has, whether it is a fixed term's; in order of first appearance. */
  readonly families: readonly { readonly name: string; readonly levels: number; readonly fixed: boolean }[];
  /** How many lowest and how many highest means of each family are shown. */
  readonly perSide: number;
}

/**
 * The rows to print, or null when there are few enough per-level rows to print them all. `fixedFamilies`: the
 * indexed fixed terms' coefficients (indexedFixedFamilies).
 */
export function condenseSummary(
  rows: readonly SummaryRow[],
  maxShown = MAX_SHOWN_EFFECTS,
  perSide = EXTREMES_PER_SIDE,
  fixedFamilies: ReadonlyMap<string, string> = new Map(),
): CondensedSummary | null {
  const population: SummaryRow[] = [];
  const families = new Map<string, SummaryRow[]>();
  let perLevel = 0;
  for (const r of rows) {
    const family = effectFamily(r.variable) ?? fixedFamilies.get(r.variable) ?? null;
    if (family === null) {
      population.push(r);
      continue;
    }
    perLevel++;
    const list = families.get(family);
    if (list) list.push(r);
    else families.set(family, [r]);
  }
  if (perLevel <= maxShown) return null;
  const shown = [...population];
  for (const list of families.values()) {
    const means = Float64Array.from(list, (r) => r.mean ?? NaN);
    for (const i of extremeIndices(means, perSide)) shown.push(list[i]);
  }
  return {
    rows: shown,
    hidden: rows.length - shown.length,
    families: [...families].map(([name, list]) => ({ name, levels: list.length, fixed: fixedFamilies.get(list[0].variable) === name })),
    perSide,
  };
}

/** `--vars` naming every condensed family, to print them whole. */
export function familiesFlag(c: CondensedSummary): string {
  return `--vars ${c.families.map((f) => f.name).join(',')}`;
}

/**
 * The line printed under a condensed table: how many rows were left out and `where` the full table is (e.g.
 * "nutmeg summary runs/x --vars r_g__Intercept"), when anywhere.
 */
export function hiddenEffectsLine(c: CondensedSummary, where: string | null): string {
  const count = groupedInteger(c.hidden);
  const anyFixed = c.families.some((f) => f.fixed);
  const families = c.families.map((f) => `${f.name} ${groupedInteger(f.levels)}`).join(', ');
  const what = !anyFixed ? 'group effects' : c.families.every((f) => f.fixed) ? 'coefficients of categorical fixed effects' : 'group effects and coefficients';
  return (
    `… ${count} ${what} not shown (${anyFixed ? 'per family' : 'levels'}: ${families}; the ${c.perSide} lowest and ${c.perSide} highest means of each are shown)` +
    (where !== null ? `; the full table: ${where}` : '')
  );
}
