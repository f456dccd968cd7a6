/**
 * Sampler efficiency per varying term (issue 16: crossed terms with thousands of levels must mix, and the fit says
 * how well each did). For the term with label L ("<group>__<term>") the variables are its sd, `sd_L`, and its level
 * effects, `r_L[1]` … `r_L[K]` (the constrained effects, whatever the parameterization the sampler moved in); the
 * figures are the smallest bulk-ESS among them and where it is reached, the sd's own bulk-ESS, the largest R-hat, and
 * the smallest bulk-ESS per 1,000 gradients of the whole fit (warm-up included, all chains), which compares runs
 * whatever their length and whatever the machine's load.
 */
import type { DrawSet } from '../draws.js';
import { allStored, columnVariable, type ColumnDraws } from '../column-draws.js';
import { levelCount, termLabel, type ModelSpec, type Parameterization } from '../model/spec.js';
import { essBulk } from './ess.js';
import { rhat } from './rhat.js';
import { DiagnosticsWorkspace } from './workspace.js';

export interface TermEfficiency {
  /** "<group>__<term>". */
  readonly term: string;
  readonly parameterization: Parameterization;
  readonly levels: number;
  /** Bulk-ESS of sd_<term>; null where it is not defined (constant or non-finite draws). */
  readonly sdEssBulk: number | null;
  /** Smallest bulk-ESS over sd_<term> and every r_<term>[k]; null when none is defined. */
  readonly minEssBulk: number | null;
  /** The variable where minEssBulk is reached. */
  readonly minEssVariable: string | null;
  /** Largest R-hat over the same variables; null when none is defined. */
  readonly maxRhat: number | null;
  /** minEssBulk per 1,000 gradients of the whole fit (all chains, warm-up included); null when either is missing. */
  readonly essPer1000Gradients: number | null;
}

/** One varying term as the model has it. */
export interface TermShape {
  readonly term: string;
  readonly parameterization: Parameterization;
  readonly levels: number;
}

/** Bulk-ESS and R-hat of one variable by name (null where undefined); undefined when the variable was not summarised. */
export type VariableDiagnostics = (name: string) => { readonly essBulk: number | null; readonly rhat: number | null } | undefined;

/** The variables of a term, sd first. */
export function termVariables(term: TermShape): string[] {
  const names = [`sd_${term.term}`];
  for (let k = 1; k <= term.levels; k++) names.push(`r_${term.term}[${k}]`);
  return names;
}

/** The efficiency of every term from its variables' diagnostics and the fit's total gradient count. */
export function termEfficiency(terms: readonly TermShape[], diagnostics: VariableDiagnostics, totalGradients: number): TermEfficiency[] {
  return terms.map((term) => {
    let minEss: number | null = null;
    let minVariable: string | null = null;
    let maxRhat: number | null = null;
    let sdEss: number | null = null;
    for (const name of termVariables(term)) {
      const d = diagnostics(name);
      if (d === undefined) continue;
      if (name.startsWith('sd_')) sdEss = d.essBulk;
      if (d.essBulk !== null && (minEss === null || d.essBulk < minEss)) {
        minEss = d.essBulk;
        minVariable = name;
      }
      if (d.rhat !== null && (maxRhat === null || d.rhat > maxRhat)) maxRhat = d.rhat;
    }
    return {
      term: term.term,
      parameterization: term.parameterization,
      levels: term.levels,
      sdEssBulk: sdEss,
      minEssBulk: minEss,
      minEssVariable: minVariable,
      maxRhat,
      essPer1000Gradients: minEss !== null && totalGradients > 0 ? (1000 * minEss) / totalGradients : null,
    };
  });
}

/**
 * A lookup for termEfficiency from summary rows (by variable name), computing bulk-ESS and R-hat from the draws for
 * a variable the rows leave out (a summary filtered by --vars); the draws may hold their per-level variables in place
 * (src/column-draws.ts).
 */
export function diagnosticsFromRows(
  rows: readonly { readonly variable: string; readonly ess_bulk: number | null; readonly rhat: number | null }[],
  stored: DrawSet | ColumnDraws,
): VariableDiagnostics {
  const draws = 'source' in stored ? stored : allStored(stored);
  const byName = new Map(rows.map((r) => [r.variable, { essBulk: r.ess_bulk, rhat: r.rhat }]));
  const index = new Map(draws.names.map((n, v) => [n, v]));
  let ws: DiagnosticsWorkspace | null = null; // the lookup's own, made when a variable first needs computing
  return (name) => {
    const known = byName.get(name);
    if (known !== undefined) return known;
    const v = index.get(name);
    if (v === undefined) return undefined;
    const x = { values: columnVariable(draws, v), nChains: draws.nChains, nDraws: draws.nDraws };
    ws ??= new DiagnosticsWorkspace();
    return { essBulk: essBulk(x, undefined, ws), rhat: rhat(x, undefined, ws) };
  };
}

/** The varying terms of a model, as termEfficiency takes them. */
export function termShapes(spec: ModelSpec): TermShape[] {
  return spec.terms.map((term, t) => ({ term: termLabel(spec, t), parameterization: term.parameterization, levels: levelCount(spec, t) }));
}
