/**
 * The tables of the revenue analysis (src/analyses/hillstrom-revenue.ts): the spend models' PSIS-LOO comparison,
 * expected spend and revenue per contact by segment, and the revenue decision against the cost of a contact.
 */
import type { RevenueResult } from '../analyses/hillstrom-revenue.js';
import type { ReportTable } from './html.js';

/** lognormal vs gamma: elpd_loo with its se, the difference to the chosen model with its se, p_loo. */
export function spendComparisonTable(r: RevenueResult): ReportTable {
  return {
    caption: `Spend models on ${r.converters} converters by PSIS-LOO (best first; chosen: ${r.chosen})`,
    columns: ['family', 'elpd_loo', 'se', 'elpd_diff', 'se_diff', 'p_loo', 'max_rhat', 'divergences'],
    rows: r.comparison.map((c) => {
      const d = r.fits.find((f) => f.family === c.model)!.diagnostics;
      return [c.model, c.elpdLoo, c.seElpdLoo, c.elpdDiff, c.seDiff, c.pLoo, d.maxRhat, d.divergences === null ? null : String(d.divergences)];
    }),
  };
}

/** Per segment: E[spend | converted] per arm, expected revenue per contact per arm, and the uplift with its interval. */
export function revenueTable(r: RevenueResult): ReportTable {
  return {
    caption: `Expected revenue per contact by segment (spend model: ${r.chosen}; posterior means, uplift with its 10%–90% interval)`,
    columns: ['segment', 'spend_control', 'spend_treated', 'revenue_control', 'revenue_treated', 'uplift_mean', 'uplift_p10', 'uplift_p90', 'P(uplift>0)'],
    rows: r.segments.map((s) => [
      s.segment,
      s.spendControl.mean,
      s.spendTreated.mean,
      s.revenue.control.mean,
      s.revenue.treated.mean,
      s.revenue.uplift.mean,
      s.revenue.uplift.p10,
      s.revenue.uplift.p90,
      s.revenue.uplift.probPositive,
    ]),
  };
}

/** The decision: E[revenue uplift] − cost per contact, P(uplift > cost), target or not. */
export function revenueDecisionTable(r: RevenueResult): ReportTable {
  return {
    caption: `Revenue decision at a cost of ${r.costPerContact} per contact`,
    columns: ['segment', 'uplift_mean', 'expected_net_per_contact', 'P(uplift>cost)', 'action'],
    rows: r.segments.map((s) => [s.segment, s.revenue.uplift.mean, s.decision.expectedNetValue, s.decision.probPays, s.decision.action]),
  };
}
