/** The tables of one PSIS-LOO result, shared by the analysis report and the served fit report. */
import type { LooResult } from '../loo/loo.js';
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
