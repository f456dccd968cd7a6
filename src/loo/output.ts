/**
 * How LOO results leave nutmeg: the JSON shapes of `nutmeg loo --json` and `nutmeg compare --json`, and the terminal
 * tables (through src/report/table.ts). Non-finite numbers become null in JSON.
 */
import { renderTable } from '../report/table.js';
import type { CompareRow, WeightMethod } from './compare.js';
import type { LooResult } from './loo.js';

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export interface LooPointwiseJson {
  elpd_loo: number | null;
  mcse_elpd_loo: number | null;
  p_loo: number | null;
  looic: number | null;
  pareto_k: number | null;
  r_eff: number | null;
  n_eff: number | null;
}

export interface LooJson {
  elpd_loo: number | null;
  se_elpd_loo: number | null;
  p_loo: number | null;
  se_p_loo: number | null;
  looic: number | null;
  se_looic: number | null;
  mcse_elpd_loo: number | null;
  n_draws: number;
  n_obs: number;
  n_chains: number;
  r_eff: LooResult['rEffSource'];
  pareto_k: (number | null)[];
  pareto_k_table: { good: number; ok: number; bad: number; very_bad: number };
  warnings: string[];
  pointwise: LooPointwiseJson[];
}

export function looToJson(r: LooResult): LooJson {
  const p = r.pointwise;
  return {
    elpd_loo: finiteOrNull(r.elpdLoo.estimate),
    se_elpd_loo: finiteOrNull(r.elpdLoo.se),
    p_loo: finiteOrNull(r.pLoo.estimate),
    se_p_loo: finiteOrNull(r.pLoo.se),
    looic: finiteOrNull(r.looic.estimate),
    se_looic: finiteOrNull(r.looic.se),
    mcse_elpd_loo: finiteOrNull(r.mcseElpdLoo),
    n_draws: r.nDraws,
    n_obs: r.nObs,
    n_chains: r.nChains,
    r_eff: r.rEffSource,
    pareto_k: Array.from(p.paretoK, finiteOrNull),
    pareto_k_table: {
      good: r.paretoKTable.good,
      ok: r.paretoKTable.ok,
      bad: r.paretoKTable.bad,
      very_bad: r.paretoKTable.veryBad,
    },
    warnings: [...r.warnings],
    pointwise: Array.from(p.elpdLoo, (_, i) => ({
      elpd_loo: finiteOrNull(p.elpdLoo[i]),
      mcse_elpd_loo: finiteOrNull(p.mcseElpdLoo[i]),
      p_loo: finiteOrNull(p.pLoo[i]),
      looic: finiteOrNull(p.looic[i]),
      pareto_k: finiteOrNull(p.paretoK[i]),
      r_eff: finiteOrNull(p.rEff[i]),
      n_eff: finiteOrNull(p.nEff[i]),
    })),
  };
}

export interface CompareRowJson {
  model: string;
  elpd_loo: number | null;
  elpd_diff: number | null;
  se_diff: number | null;
  p_loo: number | null;
  weight: number | null;
}

export function compareToJson(rows: readonly CompareRow[]): CompareRowJson[] {
  return rows.map((r) => ({
    model: r.model,
    elpd_loo: finiteOrNull(r.elpdLoo),
    elpd_diff: finiteOrNull(r.elpdDiff),
    se_diff: finiteOrNull(r.seDiff),
    p_loo: finiteOrNull(r.pLoo),
    weight: finiteOrNull(r.weight),
  }));
}

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

/** The terminal comparison table, best model first. */
export function formatCompare(rows: readonly CompareRow[], method: WeightMethod): string {
  return (
    renderTable(
      {
        columns: ['model', 'elpd_loo', 'se_elpd_loo', 'elpd_diff', 'se_diff', 'p_loo', 'weight'],
        rows: rows.map((r) => [r.model, r.elpdLoo, r.seElpdLoo, r.elpdDiff, r.seDiff, r.pLoo, r.weight]),
      },
      'table',
      { digits: 4 },
    ) + `\nweights: ${METHOD_NAMES[method]}\n`
  );
}
