/**
 * Checks after a fit, each turned into a plain-language warning that says what was found and what to try:
 * divergent transitions, trajectories stopped at the maximum tree depth, low E-BFMI (per chain), R-hat above 1.01
 * and ESS below 100 per chain (the thresholds of Vehtari et al. 2021, section 4.4, and of Stan's `diagnose`).
 * The sampler statistics come as a DrawSet with Stan's column names (divergent__, treedepth__, energy__).
 */
import type { DrawSet } from '../draws.js';
import { chainDraws } from '../draws.js';
import type { DiagnosticWarning, SummaryRow } from './summary.js';

export const RHAT_THRESHOLD = 1.01;
export const ESS_PER_CHAIN_THRESHOLD = 100;
export const EBFMI_THRESHOLD = 0.3;
/** Stan's default maximum tree depth. */
export const DEFAULT_MAX_TREEDEPTH = 10;

export interface SamplerDiagnostics {
  /** Draws over all chains. */
  readonly draws: number;
  /** Divergent transitions (null when there is no divergent__ column). */
  readonly divergences: number | null;
  /** Draws whose tree depth reached the maximum (null when there is no treedepth__ column). */
  readonly treedepthHits: number | null;
  readonly maxTreedepth: number;
  /** E-BFMI of each chain (empty when there is no energy__ column). */
  readonly ebfmi: number[];
}

/**
 * Estimated Bayesian fraction of missing information of one chain's energies (Betancourt 2016, "Diagnosing
 * suboptimal cotangent disintegrations in Hamiltonian Monte Carlo", eq. 3 as Stan computes it):
 * Σₙ (Eₙ − Eₙ₋₁)² / Σₙ (Eₙ − Ē)². Values below 0.3 mean the momentum resampling moves poorly through the
 * energy distribution.
 */
export function ebfmi(energy: Float64Array): number {
  const n = energy.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += energy[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) num += (energy[i] - energy[i - 1]) ** 2;
    den += (energy[i] - mean) ** 2;
  }
  return num / den;
}

function column(stats: DrawSet, name: string): number {
  return stats.names.indexOf(name);
}

function countWhere(stats: DrawSet, v: number, test: (x: number) => boolean): number {
  const size = stats.nChains * stats.nDraws;
  let count = 0;
  for (let i = v * size; i < (v + 1) * size; i++) if (test(stats.values[i])) count++;
  return count;
}

/** The counts and E-BFMI values behind the sampler warnings. */
export function samplerDiagnostics(stats: DrawSet, maxTreedepth: number = DEFAULT_MAX_TREEDEPTH): SamplerDiagnostics {
  const div = column(stats, 'divergent__');
  const depth = column(stats, 'treedepth__');
  const energy = column(stats, 'energy__');
  const ebfmis: number[] = [];
  if (energy >= 0) for (let c = 0; c < stats.nChains; c++) ebfmis.push(ebfmi(chainDraws(stats, energy, c)));
  return {
    draws: stats.nChains * stats.nDraws,
    divergences: div >= 0 ? countWhere(stats, div, (x) => x !== 0) : null,
    treedepthHits: depth >= 0 ? countWhere(stats, depth, (x) => x >= maxTreedepth) : null,
    maxTreedepth,
    ebfmi: ebfmis,
  };
}

function share(count: number, total: number): string {
  const pct = (100 * count) / total;
  return `${pct < 0.1 ? pct.toPrecision(1) : pct.toFixed(1)}%`;
}

/** Warnings about divergences, tree depth and E-BFMI. */
export function samplerWarnings(d: SamplerDiagnostics): DiagnosticWarning[] {
  const out: DiagnosticWarning[] = [];
  if (d.divergences !== null && d.divergences > 0) {
    out.push({
      code: 'divergences',
      message:
        `${d.divergences} of ${d.draws} draws (${share(d.divergences, d.draws)}) ended in a divergent transition: ` +
        'the sampler could not follow the posterior where it curves sharply, so estimates may be biased. ' +
        'Try a higher target acceptance rate (adapt_delta 0.95 or 0.99) or a non-centered parameterization of ' +
        'the varying effects.',
    });
  }
  if (d.treedepthHits !== null && d.treedepthHits > 0) {
    out.push({
      code: 'treedepth',
      message:
        `${d.treedepthHits} of ${d.draws} draws (${share(d.treedepthHits, d.draws)}) hit the maximum tree depth ` +
        `of ${d.maxTreedepth}: their trajectories were cut short, which slows exploration (a matter of efficiency, ` +
        'not of validity). Try a larger maximum tree depth or a reparameterization that decorrelates the parameters.',
    });
  }
  const low = d.ebfmi.flatMap((e, c) => (e < EBFMI_THRESHOLD ? [`chain ${c + 1}: ${e.toFixed(2)}`] : []));
  if (low.length > 0) {
    out.push({
      code: 'ebfmi',
      message:
        `E-BFMI below ${EBFMI_THRESHOLD} (${low.join(', ')}): momentum resampling explores the energy ` +
        'distribution poorly, often because of heavy tails or a funnel. Try a non-centered parameterization, ' +
        'tighter priors on scale parameters, or a longer warm-up.',
    });
  }
  return out;
}

function listVariables(items: readonly string[]): string {
  return items.length <= 6 ? items.join(', ') : `${items.slice(0, 6).join(', ')} and ${items.length - 6} more`;
}

/** Warnings about R-hat above 1.01 and bulk- or tail-ESS below 100 per chain, from the summary rows. */
export function convergenceWarnings(rows: readonly SummaryRow[], nChains: number): DiagnosticWarning[] {
  const out: DiagnosticWarning[] = [];
  const highRhat = rows.filter((r) => r.rhat !== null && r.rhat > RHAT_THRESHOLD);
  if (highRhat.length > 0) {
    out.push({
      code: 'rhat',
      message:
        `R-hat above ${RHAT_THRESHOLD} for ${highRhat.length} variable${highRhat.length === 1 ? '' : 's'} ` +
        `(${listVariables(highRhat.map((r) => `${r.variable} ${r.rhat!.toFixed(3)}`))}): the chains have not ` +
        'mixed, so the draws do not yet represent the posterior. Run longer chains; if it persists, look for ' +
        'multiple modes or weakly identified parameters and consider stronger priors.',
    });
  }
  const minEss = ESS_PER_CHAIN_THRESHOLD * nChains;
  const lowEss = rows.filter(
    (r) => (r.ess_bulk !== null && r.ess_bulk < minEss) || (r.ess_tail !== null && r.ess_tail < minEss),
  );
  if (lowEss.length > 0) {
    const describe = (r: SummaryRow): string =>
      `${r.variable} bulk ${r.ess_bulk === null ? 'NA' : Math.round(r.ess_bulk)}, tail ${r.ess_tail === null ? 'NA' : Math.round(r.ess_tail)}`;
    out.push({
      code: 'ess',
      message:
        `effective sample size below ${minEss} (${ESS_PER_CHAIN_THRESHOLD} per chain) for ${lowEss.length} ` +
        `variable${lowEss.length === 1 ? '' : 's'} (${listVariables(lowEss.map(describe))}): means, intervals ` +
        'and their MCSEs are unreliable. Draw more iterations, or reparameterize to make the sampler mix faster.',
    });
  }
  return out;
}
