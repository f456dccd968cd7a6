/**
 * One line per varying term saying how well the sampler did on it (src/diagnostics/term-efficiency.ts), printed by
 * `nutmeg fit` and `nutmeg summary RUN_DIR` after the run's totals.
 */
import type { TermEfficiency } from '../diagnostics/term-efficiency.js';
import { groupedInteger } from './integer-text.js';

const essText = (x: number | null): string => (x === null ? 'NA' : groupedInteger(Math.round(x)));

export function termEfficiencyLine(t: TermEfficiency): string {
  const where = t.minEssVariable === null ? '' : ` (${t.minEssVariable})`;
  const per = t.essPer1000Gradients === null ? 'NA' : t.essPer1000Gradients.toPrecision(3);
  const rhat = t.maxRhat === null ? 'NA' : t.maxRhat.toFixed(3);
  return (
    `term ${t.term} (${t.parameterization}, ${groupedInteger(t.levels)} levels): min bulk-ESS ${essText(t.minEssBulk)}${where}, ` +
    `sd ${essText(t.sdEssBulk)}; ${per} per 1,000 gradients; max R-hat ${rhat}`
  );
}
