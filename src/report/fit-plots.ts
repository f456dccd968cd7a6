/**
 * The plots of one fit in an analysis report, from what the analysis kept of it (src/analyses/fit-figures.ts): trace
 * and rank plots of the main parameters, with a note when not all are shown, and the PSIS-LOO Pareto k by
 * observation; titles start with the model's name.
 */
import type { FitFigures } from '../analyses/fit-figures.js';
import { rankSpec, traceSpec } from './plots/chains.js';
import { paretoKSpec } from './plots/pareto-k.js';
import type { PlotSpec } from './plots/spec.js';

/** Trace and rank plots of the fit's main parameters (none when it has none). */
export function samplerPlots(f: FitFigures, model: string): PlotSpec[] {
  if (f.chains.names.length === 0) return [];
  const trace = traceSpec(f.chains, f.chains.names) as PlotSpec & { title: string };
  const rank = rankSpec(f.chains, f.chains.names) as PlotSpec & { title: string };
  return [
    { ...trace, title: `${model}: ${trace.title}` },
    { ...rank, title: `${model}: ${rank.title}` },
  ];
}

/** A note when not every main parameter is plotted; empty otherwise. */
export function samplerPlotNote(f: FitFigures): string {
  return f.mainParameters > f.chains.names.length
    ? ` Trace and rank plots show the first ${f.chains.names.length} of ${f.mainParameters} fixed effects, group standard deviations and auxiliary parameters.`
    : '';
}

export function paretoKPlot(f: FitFigures, model: string): PlotSpec {
  return paretoKSpec(f.loo.pointwise.paretoK, { title: `${model}: PSIS-LOO Pareto k by observation` });
}
