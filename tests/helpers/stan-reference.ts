/**
 * Stan's reference summaries (tests/fixtures/stan, from the shared golden/stan) and the map from Stan's parameter
 * names to nutmeg's draws of the same quantity (golden/README.md's mapping), for comparisons on the real data.
 */
import { readFileSync } from 'node:fs';
import type { ChainDraws } from '../../src/diagnostics/chains.js';
import { summarizeVariable } from '../../src/diagnostics/summary.js';
import { DiagnosticsWorkspace } from '../../src/diagnostics/workspace.js';
import { variableDraws, variableIndex, type DrawSet } from '../../src/draws.js';
import type { HillstromModel } from '../../src/data/hillstrom.js';

export interface StanRow {
  mean: number;
  sd: number;
  mcse_mean: number;
  rhat: number;
}

/** The fields of one line of R's write.csv (quoted fields may hold commas, e.g. `"r_g[g01,Intercept]"`), trimmed. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

export function readStanSummary(file: string): Map<string, StanRow> {
  const lines = readFileSync(new URL(`../fixtures/stan/${file}`, import.meta.url), 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const col = (name: string) => header.indexOf(name);
  const out = new Map<string, StanRow>();
  for (const line of lines.slice(1)) {
    const f = csvFields(line);
    out.set(f[0], { mean: +f[col('mean')], sd: +f[col('sd')], mcse_mean: +f[col('mcse_mean')], rhat: +f[col('rhat')] });
  }
  return out;
}

const FIXED = ['b_recency_z', 'b_history_z', 'b_mens', 'b_womens', 'b_newbie'];

/** Stan name → a function giving nutmeg's draws of the same quantity (golden/README.md's mapping). */
export function mapping(model: HillstromModel): Array<[string, (d: DrawSet) => ChainDraws]> {
  const plain = (name: string) => (d: DrawSet): ChainDraws => ({ values: variableDraws(d, variableIndex(d, name)), nChains: d.nChains, nDraws: d.nDraws });
  const sum = (a: string, b: string) => (d: DrawSet): ChainDraws => {
    const x = variableDraws(d, variableIndex(d, a));
    const y = variableDraws(d, variableIndex(d, b));
    return { values: x.map((v, i) => v + y[i]), nChains: d.nChains, nDraws: d.nDraws };
  };
  const rows: Array<[string, (d: DrawSet) => ChainDraws]> = [['alpha', plain('b_Intercept')]];
  if (model === 'pooled') {
    ['b_treatment', ...FIXED].forEach((n, k) => rows.push([`beta[${k + 1}]`, plain(n)]));
    return rows;
  }
  FIXED.forEach((n, k) => rows.push([`beta[${k + 1}]`, plain(n)]));
  rows.push(['mu_t', plain('b_treatment')], ['sigma_t', plain('sd_history_segment__treatment')]);
  for (let g = 1; g <= 7; g++) {
    rows.push([`z_t[${g}]`, plain(`z_history_segment__treatment[${g}]`)]);
    rows.push([`beta_t_group[${g}]`, sum('b_treatment', `r_history_segment__treatment[${g}]`)]);
  }
  if (model === 'crossed') {
    rows.push(['sigma_zip', plain('sd_zip_code__Intercept')], ['sigma_ch', plain('sd_channel__Intercept')]);
    for (let k = 1; k <= 3; k++) {
      rows.push([`a_zip[${k}]`, plain(`r_zip_code__Intercept[${k}]`)], [`a_ch[${k}]`, plain(`r_channel__Intercept[${k}]`)]);
    }
  }
  return rows;
}


/**
 * Stan's reference summary per model. Crossed: the centered fit (R-hat ≤ 1.007, min bulk-ESS 861, 15 divergences);
 * Stan's non-centered crossed fit is the weak one (R-hat 1.03, tail-ESS 27 for the channel intercepts) and is not
 * used as a reference.
 */
export const STAN_SUMMARY_FILE: Record<HillstromModel, string> = {
  pooled: 'pooled.summary.csv',
  hierarchical: 'hierarchical.summary.csv',
  crossed: 'crossed_centered.summary.csv',
};

export interface StanParameterComparison {
  readonly stanName: string;
  readonly mean: number;
  readonly stanMean: number;
  /** (mean − Stan's mean) / hypot(our MCSE, Stan's MCSE). */
  readonly z: number;
  readonly sd: number;
  readonly stanSd: number;
  readonly sdRatio: number;
  readonly rhat: number;
  /** Why this parameter fails the agreement rules; empty when it passes. */
  readonly failures: string[];
}

/**
 * The Sampling issue's agreement rules for nutmeg's draws of a Hillstrom model against Stan's reference summary:
 * posterior mean within 4 combined MCSE, sd within `sdTolerance` (relative) of Stan's, R-hat < 1.01.
 */
export function compareWithStan(model: HillstromModel, draws: DrawSet, sdTolerance: number): StanParameterComparison[] {
  const stan = readStanSummary(STAN_SUMMARY_FILE[model]);
  const ws = new DiagnosticsWorkspace();
  return mapping(model).map(([stanName, select]) => {
    const ref = stan.get(stanName)!;
    const ours = summarizeVariable(stanName, select(draws), ws);
    const z = (ours.mean! - ref.mean) / Math.hypot(ours.mcse_mean!, ref.mcse_mean);
    const sdRatio = ours.sd! / ref.sd;
    const failures: string[] = [];
    if (!(Math.abs(z) <= 4)) failures.push(`mean z = ${z.toFixed(2)}`);
    if (!(Math.abs(sdRatio - 1) <= sdTolerance)) failures.push(`sd ratio ${sdRatio.toFixed(3)}`);
    if (!(ours.rhat! < 1.01)) failures.push(`rhat ${ours.rhat!.toFixed(4)}`);
    return { stanName, mean: ours.mean!, stanMean: ref.mean, z, sd: ours.sd!, stanSd: ref.sd, sdRatio, rhat: ours.rhat!, failures };
  });
}

/** One line per parameter: means, z, sd ratio, R-hat and the failures if any. */
export function formatComparison(rows: readonly StanParameterComparison[]): string {
  return rows
    .map(
      (r) =>
        `${r.stanName}: mean ${r.mean.toFixed(4)} vs ${r.stanMean.toFixed(4)} (z ${r.z.toFixed(2)}), sd ratio ${r.sdRatio.toFixed(3)}, ` +
        `rhat ${r.rhat.toFixed(4)}${r.failures.length > 0 ? `  FAIL: ${r.failures.join('; ')}` : ''}`,
    )
    .join('\n');
}

/**
 * nutmeg's draws of a quantity named as in the families references (tests/fixtures/stan/<model>.summary.csv):
 * `b_…`, `sd_…`, `cor_…`, `sigma`, `shape` by their own names, and a varying effect `r_<group>[<level>,<term>]` (brms's
 * name, with the level's name) as nutmeg's `r_<group>[<level>,<term>]` or `r_<group>[<k>,<term>]` when the draws have
 * such a variable, else `r_<group>__<term>[k]`, k the 1-based index of the level in `coordinates`. undefined when
 * the draws hold no such quantity.
 */
export function selectByStanName(
  draws: DrawSet,
  coordinates: Record<string, readonly string[]>,
  stanName: string,
): ChainDraws | undefined {
  const pick = (name: string): ChainDraws | undefined => {
    const i = draws.names.indexOf(name);
    return i < 0 ? undefined : { values: variableDraws(draws, i), nChains: draws.nChains, nDraws: draws.nDraws };
  };
  const effect = /^r_(.+)\[(.+),([^,\]]+)\]$/.exec(stanName);
  if (!effect) return pick(stanName);
  const [, group, level, term] = effect;
  const levels = coordinates[`r_${group}__${term}`] ?? coordinates[`r_${group}`];
  const k = levels ? levels.indexOf(level) + 1 : 0;
  return pick(stanName) ?? (k > 0 ? pick(`r_${group}[${k},${term}]`) ?? pick(`r_${group}__${term}[${k}]`) : undefined);
}

/** A Stan reference's priors (tests/fixtures/stan/<model>.priors.csv): parameter → [family, parameters]. */
export function readStanPriors(file: string): Map<string, { family: string; params: number[] }> {
  const lines = readFileSync(new URL(`../fixtures/stan/${file}`, import.meta.url), 'utf8').trim().split('\n');
  const out = new Map<string, { family: string; params: number[] }>();
  for (const line of lines.slice(1)) {
    const f = csvFields(line);
    out.set(f[0], { family: f[1], params: f.slice(2).filter((x) => x !== '' && x !== 'NA').map(Number) });
  }
  return out;
}

/**
 * The issue's agreement rules for every parameter of a Stan reference summary: posterior mean within 4 combined
 * MCSE, sd within `sdTolerance` (relative), R-hat ≤ `maxRhat`. A parameter nutmeg's draws lack fails ("missing").
 */
export function compareSummaryWithStan(
  file: string,
  select: (stanName: string) => ChainDraws | undefined,
  sdTolerance = 0.1,
  maxRhat = 1.01,
): StanParameterComparison[] {
  const stan = readStanSummary(file);
  const ws = new DiagnosticsWorkspace();
  return [...stan].map(([stanName, ref]) => {
    const x = select(stanName);
    if (!x) return { stanName, mean: NaN, stanMean: ref.mean, z: NaN, sd: NaN, stanSd: ref.sd, sdRatio: NaN, rhat: NaN, failures: ['missing'] };
    const ours = summarizeVariable(stanName, x, ws);
    const z = (ours.mean! - ref.mean) / Math.hypot(ours.mcse_mean!, ref.mcse_mean);
    const sdRatio = ours.sd! / ref.sd;
    const failures: string[] = [];
    if (!(Math.abs(z) <= 4)) failures.push(`mean z = ${z.toFixed(2)} (mcse ${ours.mcse_mean!.toPrecision(3)} vs Stan ${ref.mcse_mean.toPrecision(3)})`);
    if (!(Math.abs(sdRatio - 1) <= sdTolerance)) failures.push(`sd ratio ${sdRatio.toFixed(3)} (${ours.sd!.toPrecision(4)} vs ${ref.sd.toPrecision(4)})`);
    if (!(ours.rhat! <= maxRhat)) failures.push(`rhat ${ours.rhat!.toFixed(4)}`);
    return { stanName, mean: ours.mean!, stanMean: ref.mean, z, sd: ours.sd!, stanSd: ref.sd, sdRatio, rhat: ours.rhat!, failures };
  });
}
