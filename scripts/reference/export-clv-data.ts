/**
 * The simulated data set of the Stan comparison: sim:clv (seed 5, 500 customers) through the RFM summary of `nutmeg
 * clv` (no holdout), written to tests/fixtures/clv/stan-data.csv with 17 significant digits for
 * scripts/reference/bgnbd_gg.R.   node --import tsx scripts/reference/export-clv-data.ts
 */
import { writeFileSync } from 'node:fs';
import { rfmSummary } from '../../src/analyses/clv/rfm.js';
import { simulateClv } from '../../src/data/simulate/clv.js';

const sim = simulateClv({ seed: 5, n: 500 });
const { data } = rfmSummary(sim.frame, { customer: 'customer', date: 'date', amount: 'amount' });
const rows = ['x,t_x,T,m'];
for (let i = 0; i < data.n; i++) rows.push([data.frequency[i], data.recency[i], data.age[i], data.meanSpend[i]].map((v) => v.toPrecision(17)).join(','));
writeFileSync(new URL('../../tests/fixtures/clv/stan-data.csv', import.meta.url), rows.join('\n') + '\n');
