/**
 * The table of a Bayesian A/B(/n) test (`nutmeg abtest`): per arm its rows and successes, observed and posterior
 * rates with their interval, lift against the control, P(beats control), P(best) and expected loss.
 */
import type { AbTestResult } from '../decision/abtest.js';
import type { Table } from './table.js';

export function abTestTable(r: AbTestResult): Table {
  const pctLabel = `${Math.round(r.interval * 100)}%`;
  return {
    columns: ['arm', 'n', 'successes', 'rate', 'posterior_mean', `rate_${pctLabel}_low`, `rate_${pctLabel}_high`, 'lift_mean', `lift_${pctLabel}_low`, `lift_${pctLabel}_high`, 'P(>control)', 'P(best)', 'expected_loss'],
    rows: r.arms.map((a) => [
      a.arm + (a.isControl ? ' (control)' : ''),
      a.n,
      a.successes,
      a.observedRate,
      a.posteriorMean,
      a.rateInterval.low,
      a.rateInterval.high,
      a.isControl ? null : a.liftMean,
      a.isControl ? null : a.liftInterval.low,
      a.isControl ? null : a.liftInterval.high,
      a.isControl ? null : a.probBeatsControl,
      a.probBest,
      a.expectedLoss,
    ]),
  };
}
