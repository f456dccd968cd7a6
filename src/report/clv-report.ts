/**
 * The sections of `nutmeg clv`'s HTML report (rendered by src/report/html.ts): the data and its calibration period,
 * the model with its priors and the posterior of the population parameters, the distribution of P(alive) and of
 * expected value over customers with the customer base's totals, the customers with the highest expected value, the
 * holdout check, and the sampler's rank plots.
 */
import { quantileSorted } from '../numeric/quantile.js';
import { summaryTable } from './summary-table.js';
import type { ReportSection } from './html.js';
import { rankSpec } from './plots/chains.js';
import { customerHistogramSpec, holdoutCalibrationSpec } from './plots/clv.js';
import { groupedInteger } from './integer-text.js';
import type { Table } from './table.js';
import type { ClvResult } from '../analyses/clv/clv-fit.js';

const PARAMETERS = ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma'];
const TOP_CUSTOMERS = 20;

function meanAndInterval(values: Float64Array): [number, number, number] {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of values) sum += v;
  return [sum / values.length, quantileSorted(sorted, 0.05), quantileSorted(sorted, 0.95)];
}

/** Totals over the customer base: expected purchases and value over the horizon (posterior mean and 90% interval). */
export function clvTotalsTable(result: ClvResult): Table {
  const p = result.predictions;
  return {
    columns: ['quantity', 'mean', '5%', '95%'],
    rows: [
      [`purchases in the next ${p.horizonWeeks} weeks`, ...meanAndInterval(p.totalPurchases)],
      [`value in the next ${p.horizonWeeks} weeks`, ...meanAndInterval(p.totalValue)],
    ],
  };
}

export function holdoutTable(result: ClvResult): Table | null {
  const bins = result.predictions.holdout;
  if (bins === null) return null;
  return {
    columns: ['calibration purchases', 'customers', 'observed holdout mean', 'predicted mean', 'predicted 5%', 'predicted 95%'],
    rows: bins.map((b) => [b.label, groupedInteger(b.customers), b.observed, b.predicted, b.lower, b.upper]),
  };
}

export function topCustomersTable(result: ClvResult, k = TOP_CUSTOMERS): Table {
  const { rfm, predictions: p } = result;
  const order = Array.from({ length: rfm.data.n }, (_, i) => i)
    .sort((i, j) => p.value.mean[j] - p.value.mean[i])
    .slice(0, k);
  return {
    columns: ['customer', 'repeat purchases', 'P(alive)', 'expected purchases', 'expected value', 'value 5%', 'value 95%'],
    rows: order.map((i) => [rfm.ids[i], rfm.data.frequency[i], p.pAlive.mean[i], p.purchases.mean[i], p.value.mean[i], p.value.lower[i], p.value.upper[i]]),
  };
}

export function clvReportSections(result: ClvResult, source: string): ReportSection[] {
  const { rfm, priors, predictions: p, fit } = result;
  const d = rfm.data;
  let repeaters = 0;
  for (let i = 0; i < d.n; i++) if (d.frequency[i] > 0) repeaters++;
  const c = priors.centers;
  const sections: ReportSection[] = [
    {
      title: 'Data',
      text:
        `${rfm.transactions} transactions from ${source}, ${rfm.firstDate} to ${rfm.lastDate}. Calibration period to ${rfm.calibrationEnd}` +
        `${rfm.holdout ? `, then a ${rfm.holdout.weeks}-week holdout` : ''}. ${d.n} customers in the calibration period, ${repeaters} of them with repeat purchases` +
        `${rfm.leftOut > 0 ? `; ${rfm.leftOut} who first bought later are left out` : ''}. Purchases count by calendar day; times are in weeks.`,
      tables: [],
    },
    {
      title: 'Model and posterior',
      text:
        'BG/NBD purchases (Fader, Hardie & Lee 2005): while alive a customer buys at rate λ ~ Gamma(r, α) per week and drops out after each repeat purchase with probability p ~ Beta(a, b). ' +
        'Gamma-Gamma spend (Fader, Hardie & Lee 2005b): each purchase is Gamma(p, ν) with ν ~ Gamma(q, γ), independent of the purchase process.\n\n' +
        `Priors: ln r, ln α, ln a, ln b ~ Normal(ln center, σ_purchase) with centers ${c.r}, ${c.alpha} weeks, ${c.a}, ${c.b}; ` +
        `ln p, ln(q − 1), ln γ ~ Normal(ln center, σ_spend) with centers ${c.p}, ${c.q - 1}, ${Number(c.gamma.toPrecision(6))}; σ_purchase, σ_spend ~ HalfNormal(${priors.hyperScale}).\n\n` +
        `${fit.draws.nChains} chains × ${fit.draws.nDraws} draws.${result.warnings.length > 0 ? ' Warnings: ' + result.warnings.join(' ') : ' No sampler or convergence warnings.'}`,
      tables: [{ ...summaryTable(result.summary, ['mean', 'sd', 'q5', 'q95', 'r_hat', 'ess_bulk']), caption: 'Posterior of the population parameters' }],
    },
    {
      title: 'P(alive)',
      text: `The probability that each customer is still active at the end of the calibration period (${rfm.calibrationEnd}), posterior mean per customer. Customers without repeat purchases have P(alive) = 1 under the BG/NBD.`,
      tables: [],
      plots: [customerHistogramSpec(p.pAlive.mean, { title: 'P(alive) over customers', xTitle: 'P(alive), posterior mean', range: [0, 1] })],
    },
  ];
  const sortedValue = Float64Array.from(p.value.mean).sort();
  const top = quantileSorted(sortedValue, 0.99);
  sections.push({
    title: `Expected value over ${p.horizonWeeks} weeks`,
    text:
      `Expected purchases over the next ${p.horizonWeeks} weeks times the expected spend per purchase (the Gamma-Gamma posterior mean given the customer's repeat spend), undiscounted, per posterior draw; ` +
      `the per-customer figures use ${p.draws} draws spread evenly over the chains.`,
    tables: [{ ...clvTotalsTable(result), caption: 'The customer base' }, { ...topCustomersTable(result), caption: `The ${Math.min(TOP_CUSTOMERS, d.n)} customers with the highest expected value` }],
    plots: [
      customerHistogramSpec(p.value.mean, {
        title: 'Expected value over customers',
        subtitle: `the last bar also counts the 1% above ${top.toPrecision(3)}`,
        xTitle: `expected value over ${p.horizonWeeks} weeks, posterior mean`,
        range: [0, top > 0 ? top : 1],
        bins: 30,
      }),
    ],
  });
  const hold = holdoutTable(result);
  if (hold && p.holdout && rfm.holdout) {
    sections.push({
      title: 'Holdout check',
      text: `Purchases in the ${rfm.holdout.weeks}-week holdout after ${rfm.calibrationEnd}, against the model's prediction from the calibration period alone, by the customers' calibration frequency. The interval is the posterior's for the mean; the observed mean also varies by chance around it.`,
      tables: [hold],
      plots: [holdoutCalibrationSpec(p.holdout, rfm.holdout.weeks)],
    });
  }
  sections.push({
    title: 'Sampler',
    text: 'Rank plots of the population parameters: the ranks of each chain\'s draws among all chains\' draws should be flat.',
    tables: [],
    plots: [rankSpec(fit.draws, PARAMETERS)],
  });
  return sections;
}
