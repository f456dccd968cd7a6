/**
 * The tables of one PSIS-LOO result, shared by the analysis report and the served fit report, and the analyses'
 * model-comparison table.
 */
import type { CompareRow } from '../loo/compare.js';
import type { LooResult } from '../loo/loo.js';
import { R_WEIGHTS_SHOWN_ABOVE } from '../loo/stacking.js';
import type { ReportTable } from './html.js';

/**
 * elpd_loo, p_loo and looic with their SEs, and the observations per Pareto-k class. Captions start with `prefix`
 * (e.g. "pooled: ").
 */
export function looTables(loo: LooResult, prefix = ''): ReportTable[] {
  const k = loo.paretoKTable;
  return [
    {
      caption: `${prefix}PSIS-LOO estimates`,
      columns: ['quantity', 'estimate', 'se'],
      rows: [
        ['elpd_loo', loo.elpdLoo.estimate, loo.elpdLoo.se],
        ['p_loo', loo.pLoo.estimate, loo.pLoo.se],
        ['looic', loo.looic.estimate, loo.looic.se],
      ],
    },
    {
      caption: `${prefix}Pareto k`,
      columns: ['k', 'observations'],
      rows: [
        ['(-Inf, 0.5] good', k.good],
        ['(0.5, 0.7] ok', k.ok],
        ['(0.7, 1] bad', k.bad],
        ['(1, Inf) very bad', k.veryBad],
      ],
    },
  ];
}

/**
 * loo_compare's table (best first) with the stacking weights (the maximiser of the stacking objective). When R loo
 * 2.5.1's stacking_weights differ from them by more than 1e-4, a stacking_weight_r column shows R's too and the
 * caption says why they differ.
 */
export function comparisonTable(rows: readonly CompareRow[]): ReportTable {
  let difference = 0;
  for (const r of rows) if (r.weightR !== null) difference = Math.max(difference, Math.abs(r.weight - r.weightR));
  const showR = difference > R_WEIGHTS_SHOWN_ABOVE;
  const columns = ['model', 'elpd_loo', 'se', 'elpd_diff', 'se_diff', 'p_loo', 'looic', 'stacking_weight'];
  if (showR) columns.push('stacking_weight_r');
  return {
    caption:
      'Models compared by PSIS-LOO (best first)' +
      (showR
        ? `; stacking_weight_r: R loo 2.5.1's stacking_weights, whose optimiser stops before the maximum ` +
          `(weights up to ${difference.toPrecision(2)} apart)`
        : ''),
    columns,
    rows: rows.map((r) => {
      const row = [r.model, r.elpdLoo, r.seElpdLoo, r.elpdDiff, r.seDiff, r.pLoo, r.looic, r.weight];
      return showR ? [...row, r.weightR] : row;
    }),
  };
}
