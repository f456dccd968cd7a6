/**
 * customers.csv of `nutmeg clv --out`: one line per customer of the calibration period with the RFM summary and the
 * posterior mean and 90% interval of P(alive), expected purchases, expected spend per purchase and expected value over
 * the horizon (and the holdout purchases and spend where there is a holdout). Numbers in JavaScript's shortest
 * round-trip form.
 */
import { quote } from '../../data/csv-quote.js';
import type { ClvResult } from './clv-fit.js';

export function customersCsv(result: ClvResult): string {
  const { rfm, predictions: p } = result;
  const d = rfm.data;
  const h = rfm.holdout;
  const header = ['customer', 'frequency', 'recency_weeks', 'age_weeks', 'mean_repeat_spend'];
  if (h) header.push('holdout_purchases', 'holdout_spend');
  header.push(
    'p_alive', 'p_alive_5%', 'p_alive_95%',
    'purchases', 'purchases_5%', 'purchases_95%',
    'spend_per_purchase', 'spend_per_purchase_5%', 'spend_per_purchase_95%',
    'value', 'value_5%', 'value_95%',
  );
  const lines = [header.join(',')];
  for (let i = 0; i < d.n; i++) {
    const cells: (string | number)[] = [quote(rfm.ids[i]), d.frequency[i], d.recency[i], d.age[i], d.meanSpend[i]];
    if (h) cells.push(h.frequency[i], h.spend[i]);
    for (const q of [p.pAlive, p.purchases, p.spend, p.value]) cells.push(q.mean[i], q.lower[i], q.upper[i]);
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}
