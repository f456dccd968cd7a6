/**
 * The terminal text of `nutmeg loo` (estimates, MCSE, the Pareto k table) and `nutmeg compare` (the comparison table
 * and its weights), through src/report/table.ts.
 */
import { type Cell, renderTable } from './table.js';
import type { Comparison, WeightMethod } from '../loo/compare.js';
import { R_WEIGHTS_SHOWN_ABOVE } from '../loo/stacking.js';
import type { LooResult } from '../loo/loo.js';

const pct = (count: number, n: number): string => `${((100 * count) / n).toFixed(1)}%`;

/** The terminal report of one PSIS-LOO: estimates, MCSE and the Pareto k table. */
export function formatLoo(r: LooResult, source: string): string {
  const rEff = { chains: 'r_eff from the chains', one: 'r_eff = 1', given: 'r_eff given' }[r.rEffSource];
  const head =
    `PSIS-LOO of ${source}: ${r.nDraws} draws (${r.nChains} chain${r.nChains === 1 ? '' : 's'}) × ` +
    `${r.nObs} observations, ${rEff}\n\n`;
  const estimates = renderTable(
    {
      columns: ['', 'Estimate', 'SE'],
      rows: [
        ['elpd_loo', r.elpdLoo.estimate, r.elpdLoo.se],
        ['p_loo', r.pLoo.estimate, r.pLoo.se],
        ['looic', r.looic.estimate, r.looic.se],
      ],
    },
    'table',
    { digits: 4 },
  );
  const mcse = Number.isFinite(r.mcseElpdLoo)
    ? `Monte Carlo SE of elpd_loo: ${r.mcseElpdLoo.toFixed(2)}\n`
    : 'Monte Carlo SE of elpd_loo: NA (some Pareto k > 0.7)\n';
  const t = r.paretoKTable;
  const n = r.nObs;
  const kTable =
    t.good === n
      ? `All Pareto k estimates are good (k ≤ 0.5).\n`
      : 'Pareto k diagnostic values:\n' +
        renderTable(
          {
            columns: ['', 'Count', 'Pct.', 'Min. n_eff'],
            rows: [
              ['(-Inf, 0.5]  (good)', String(t.good), pct(t.good, n), t.good ? t.minNEff.good : null],
              [' (0.5, 0.7]  (ok)', String(t.ok), pct(t.ok, n), t.ok ? t.minNEff.ok : null],
              ['   (0.7, 1]  (bad)', String(t.bad), pct(t.bad, n), t.bad ? t.minNEff.bad : null],
              ['   (1, Inf)  (very bad)', String(t.veryBad), pct(t.veryBad, n), t.veryBad ? t.minNEff.veryBad : null],
            ],
          },
          'table',
          { digits: 3 },
        );
  return `${head}${estimates}\n${mcse}\n${kTable}`;
}

const METHOD_NAMES: Record<WeightMethod, string> = {
  stacking: 'stacking',
  pseudobma: 'pseudo-BMA',
  'bb-pseudobma': 'pseudo-BMA+ (Bayesian bootstrap)',
};

/**
 * The terminal comparison table, best model first. For stacking, when R loo 2.5.1's weights differ from the maximiser
 * by more than 1e-4, a weight_r column shows them and a note line says how much lower R's objective is.
 */
export function formatCompare(c: Comparison): string {
  const s = c.stacking;
  const difference = s?.maxWeightDifference ?? 0;
  const showR = difference > R_WEIGHTS_SHOWN_ABOVE;
  const columns = ['model', 'elpd_loo', 'se_elpd_loo', 'elpd_diff', 'se_diff', 'p_loo', 'weight'];
  if (showR) columns.push('weight_r');
  const table = renderTable(
    {
      columns,
      rows: c.rows.map((r) => {
        const row: Cell[] = [r.model, r.elpdLoo, r.seElpdLoo, r.elpdDiff, r.seDiff, r.pLoo, r.weight];
        if (showR) row.push(r.weightR);
        return row;
      }),
    },
    'table',
    { digits: 4 },
  );
  let lines = `\nweights: ${METHOD_NAMES[c.method]}`;
  if (s) lines += ` (the maximum of Σ_i log Σ_k w_k exp(elpd_loo_ik): ${s.objective.toFixed(6)})`;
  lines += '\n';
  if (s && showR && s.objectiveR !== null) {
    const gap = s.objective - s.objectiveR;
    lines +=
      gap > 1e-9
        ? `note: weight_r is R loo 2.5.1's stacking_weights, whose optimiser stops before the maximum here: its ` +
          `weights differ by up to ${difference.toPrecision(2)} and its objective is ${gap.toExponential(2)} lower ` +
          `(${s.objectiveR.toFixed(6)})\n`
        : `note: weight_r is R loo 2.5.1's stacking_weights: they differ by up to ${difference.toPrecision(2)} but ` +
          'score the same objective to 1e-9 (some models predict nearly alike, so the weights are poorly determined)\n';
  }
  return table + lines;
}
