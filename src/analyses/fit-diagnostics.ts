/** The convergence figures an analysis reports for each of its fits: worst R-hat and bulk-ESS, divergences, warnings. */
import { convergenceWarnings, samplerDiagnostics, samplerWarnings } from '../diagnostics/sampler-checks.js';
import { summarizeDraws, type SummaryRow } from '../diagnostics/summary.js';
import type { Fit } from '../fit/fit.js';
import { maxOf, minOf } from '../numeric/extremes.js';

export interface FitDiagnostics {
  readonly backend: string;
  readonly chains: number;
  readonly drawsPerChain: number;
  readonly seconds: number;
  readonly maxRhat: number | null;
  readonly minEssBulk: number | null;
  readonly divergences: number | null;
  readonly warnings: readonly string[];
  /** Summary rows of the b_* and sd_* parameters (and r_* when asked). */
  readonly summary: readonly SummaryRow[];
}

export function fitDiagnostics(fit: Fit, variables: readonly string[] = ['b_', 'sd_']): FitDiagnostics {
  const all = summarizeDraws(fit.draws);
  const sampler = samplerDiagnostics(fit.stats, fit.sample.settings.maxTreeDepth);
  const warnings = [...samplerWarnings(sampler), ...convergenceWarnings(all.rows, fit.draws.nChains), ...all.warnings];
  const rhats = all.rows.flatMap((r) => (r.rhat === null ? [] : [r.rhat]));
  const ess = all.rows.flatMap((r) => (r.ess_bulk === null ? [] : [r.ess_bulk]));
  const s = fit.sample;
  return {
    backend: fit.backend.description,
    chains: s.nChains,
    drawsPerChain: s.nDraws,
    seconds: s.timing.warmupSeconds + s.timing.samplingSeconds,
    maxRhat: rhats.length > 0 ? maxOf(rhats) : null,
    minEssBulk: ess.length > 0 ? minOf(ess) : null,
    divergences: sampler.divergences,
    warnings: warnings.map((w) => w.message),
    summary: all.rows.filter((r) => variables.some((v) => r.variable.startsWith(v))),
  };
}
