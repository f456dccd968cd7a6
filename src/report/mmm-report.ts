/**
 * Tables and report sections of `nutmeg mmm`: channel ROAS and contributions, the budget split and its outcome, and
 * the HTML report's sections (contributions over time, ROAS intervals, response curves, the optimised split).
 */
import type { BudgetAnswer } from '../analyses/mmm/budget.js';
import type { ChannelSummary, ResponseCurve } from '../analyses/mmm/derived.js';
import type { ReportSection } from './html.js';
import { budgetSplitSpec, contributionsSpec, responseCurvesSpec } from './plots/mmm.js';
import { roasSpec } from './plots/intervals.js';
import type { Table } from './table.js';

function levelName(level: number): string {
  const tail = ((1 - level) / 2) * 100;
  return `${+tail.toFixed(2)}%–${+(100 - tail).toFixed(2)}%`;
}

export function mmmChannelTable(channels: readonly ChannelSummary[]): Table {
  return {
    columns: ['channel', 'spend', 'contribution_mean', 'contribution_low', 'contribution_high', 'roas_mean', 'roas_low', 'roas_high'],
    rows: channels.map((c) => [c.channel, c.spend, c.contribution.mean, c.contribution.lower, c.contribution.upper, c.roas.mean, c.roas.lower, c.roas.upper]),
  };
}

export function mmmBudgetTable(b: BudgetAnswer): Table {
  return {
    columns: ['channel', 'min', 'max', 'current', 'optimised'],
    rows: b.channels.map((c, i) => [c, b.lower[i], b.upper[i], b.current[i], b.optimised[i]]),
  };
}

export function mmmBudgetText(b: BudgetAnswer, level: number): string {
  const f = (x: number): string => x.toFixed(0);
  return (
    `Budget ${b.total} over ${b.horizon} weeks (spent evenly, carry-over counted). Media contribution over the horizon, posterior mean [${levelName(level)}]: ` +
    `current split ${f(b.outcomeCurrent.mean)} [${f(b.outcomeCurrent.lower)}, ${f(b.outcomeCurrent.upper)}], ` +
    `optimised ${f(b.outcomeOptimised.mean)} [${f(b.outcomeOptimised.lower)}, ${f(b.outcomeOptimised.upper)}]; ` +
    `difference ${f(b.uplift.mean)} [${f(b.uplift.lower)}, ${f(b.uplift.upper)}], P(optimised > current) = ${b.probabilityBetter.toFixed(3)}` +
    (b.converged ? '.' : ' (the optimiser stopped at its iteration limit).')
  );
}

export interface MmmReportInput {
  readonly outcome: string;
  readonly weeks: readonly string[];
  readonly channels: readonly ChannelSummary[];
  readonly curves: readonly ResponseCurve[];
  readonly budget: BudgetAnswer | null;
  readonly level: number;
  readonly saturation: string;
  readonly maxLag: number;
  readonly divergences: number;
  readonly warnings: readonly string[];
}

export function mmmReportSections(r: MmmReportInput): ReportSection[] {
  const interval = levelName(r.level);
  const sections: ReportSection[] = [
    {
      title: 'Channels',
      text:
        `Media-mix model of ${r.outcome}: geometric adstock over ${r.maxLag} weeks, ${r.saturation} saturation, trend, yearly seasonality. ` +
        `Contribution is the outcome the channel's spend explains over the data; ROAS is contribution ÷ spend. Intervals are ${interval}.` +
        (r.divergences > 0 ? ` The sampler reported ${r.divergences} divergent transitions: read the intervals with care.` : '') +
        (r.warnings.length > 0 ? `\n\n${r.warnings.join('\n')}` : ''),
      tables: [{ ...mmmChannelTable(r.channels), caption: 'Spend, contribution and ROAS per channel' }],
      plots: [
        roasSpec(r.channels.map((c) => ({ label: c.channel, mean: c.roas.mean, low: c.roas.lower, high: c.roas.upper })), undefined, interval),
        contributionsSpec(
          r.channels.map((c) => ({ label: c.channel, x: r.weeks, mean: c.overTime.mean, lower: c.overTime.lower, upper: c.overTime.upper })),
          interval,
        ),
      ],
    },
    {
      title: 'Response curves',
      text: 'Expected contribution over the data if every week\'s spend of a channel were multiplied by 0 to 2 (the observed spend is at the middle of each curve).',
      tables: [],
      plots: [
        responseCurvesSpec(
          r.curves.map((c) => ({ label: c.channel, x: Array.from(c.spend), mean: c.mean, lower: c.lower, upper: c.upper })),
          interval,
        ),
      ],
    },
  ];
  if (r.budget !== null) {
    sections.push({
      title: 'Budget',
      text: mmmBudgetText(r.budget, r.level),
      tables: [{ ...mmmBudgetTable(r.budget), caption: 'Spend per channel over the horizon' }],
      plots: [budgetSplitSpec(r.budget.channels, r.budget.current, r.budget.optimised)],
    });
  }
  return sections;
}
