/**
 * MMM recovery check (issue 19): fit `nutmeg mmm`'s model to sim:mmm for seeds a–b (default 1–5; 156 weeks,
 * tv/search/social, control promo, logistic saturation, L = 8, 4 chains × 1000 warm-up + 1000 draws, fit seed = data
 * seed) and report, per seed and channel, the true ROAS and the posterior mean and 90% interval, and the posterior means
 * of the channel's decay and saturation rate beside their true values (to see which way a miss leans).
 *
 * Over the seeds, per channel: coverage of the 90% intervals (k of n, Clopper–Pearson 95% interval), the mean of
 * z = (posterior mean − truth) / posterior sd with its standard error (sd of z / √n), and the truth's rank among the
 * posterior draws (share of draws below it) in 10 bins with a χ²₉ test of uniformity. Every seed draws its data from
 * the same true parameters (only spend, promo and noise change), so this checks coverage at one parameter value: not
 * simulation-based calibration, which draws the parameters from the prior.
 *
 * Flags: --seeds a-b (default 1-5); --records FILE (JSON lines, one per seed: seeds already there are read, not
 * refitted, and each new fit is appended as it finishes, so a long run can be resumed or summarised part-way).
 * Prints markdown. The committed outputs: bench/results/mmm-coverage.md (seeds 1–40, records in
 * bench/results/mmm-coverage.jsonl) and bench/results/mmm-recovery.md (seeds 1–5 of the same records):
 *   npx tsx bench/mmm-recovery.ts --seeds 1-40 --records bench/results/mmm-coverage.jsonl > bench/results/mmm-coverage.md
 *   npx tsx bench/mmm-recovery.ts --records bench/results/mmm-coverage.jsonl > bench/results/mmm-recovery.md
 * (with a records file that lacks the seeds, or without --records, the fits run: ~20 s of CPU each).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runMmm } from '../src/analyses/mmm/analysis.js';
import { simulateMmm } from '../src/data/simulate/mmm.js';
import { clopperPearson } from '../src/diagnostics/binomial-interval.js';
import { chiSquare9Survival, SBC_BINS } from '../tests/helpers/sbc.js';

interface ChannelRecord {
  channel: string;
  truth: number;
  mean: number;
  sd: number;
  lower: number;
  upper: number;
  /** Share of the posterior draws below the truth. */
  below: number;
  decayMean: number;
  decayTrue: number;
  lamMean: number;
  lamTrue: number;
}

interface SeedRecord {
  seed: number;
  divergences: number;
  /** CPU seconds (user + system) of the fit and its summaries. */
  cpuSeconds: number;
  channels: ChannelRecord[];
}

const CHANNELS = ['tv', 'search', 'social'];

function parseSeeds(text: string): number[] {
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (m === null || Number(m[1]) < 1 || Number(m[2]) < Number(m[1])) {
    console.error(`mmm-recovery: --seeds ${text}: expected a-b with 1 ≤ a ≤ b (e.g. --seeds 1-40)`);
    process.exit(2);
  }
  return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
}

async function fitSeed(seed: number): Promise<SeedRecord> {
  const cpu = process.cpuUsage();
  const sim = simulateMmm({ seed });
  const r = await runMmm(sim.frame, { date: 'week', outcome: 'sales', channels: CHANNELS, controls: ['promo'], fit: { seed } });
  const { count, size, theta } = r.draws;
  const meanOf = (index: number): number => {
    let sum = 0;
    for (let d = 0; d < count; d++) sum += theta[d * size + index];
    return sum / count;
  };
  const channels = r.channels.map((c, k): ChannelRecord => {
    const truth = sim.truth[`roas[${c.channel}]`];
    const draws = c.roasDraws;
    let ss = 0;
    let below = 0;
    for (const v of draws) {
      ss += (v - c.roas.mean) ** 2;
      below += v < truth ? 1 : 0;
    }
    return {
      channel: c.channel,
      truth,
      mean: c.roas.mean,
      sd: Math.sqrt(ss / (draws.length - 1)),
      lower: c.roas.lower,
      upper: c.roas.upper,
      below: below / draws.length,
      decayMean: meanOf(r.model.layout.decay + k),
      decayTrue: sim.truth[`decay[${c.channel}]`],
      lamMean: meanOf(r.model.layout.sat1 + k),
      lamTrue: sim.truth[`lam[${c.channel}]`],
    };
  });
  const used = process.cpuUsage(cpu);
  return { seed, divergences: r.fit.sample.divergences.reduce((a, b) => a + b, 0), cpuSeconds: (used.user + used.system) / 1e6, channels };
}

const loadAverage = (): string => loadavg().map((v) => v.toFixed(1)).join(', ');

const { values: flags } = parseArgs({ options: { seeds: { type: 'string', default: '1-5' }, records: { type: 'string' } } });
const seeds = parseSeeds(flags.seeds!);
const known = new Map<number, SeedRecord>();
if (flags.records !== undefined && existsSync(flags.records)) {
  for (const line of readFileSync(flags.records, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as SeedRecord;
    known.set(record.seed, record);
  }
}
const started = loadAverage();
const records: SeedRecord[] = [];
let fitted = 0;
for (const seed of seeds) {
  let record = known.get(seed);
  if (record === undefined) {
    record = await fitSeed(seed);
    fitted++;
    if (flags.records !== undefined) appendFileSync(flags.records, `${JSON.stringify(record)}\n`);
    console.error(`seed ${seed}: ${record.cpuSeconds.toFixed(0)} s CPU, ${record.divergences} divergences, load ${loadAverage()}`);
  }
  records.push(record);
}

const rows = [
  '| seed | channel | true ROAS | mean | 90% interval | inside | z | decay mean (true) | λ mean (true) | divergences |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
let inside = 0;
let total = 0;
for (const record of records) {
  for (const c of record.channels) {
    const ok = c.truth >= c.lower && c.truth <= c.upper;
    inside += ok ? 1 : 0;
    total++;
    rows.push(
      `| ${record.seed} | ${c.channel} | ${c.truth.toFixed(3)} | ${c.mean.toFixed(3)} | ${c.lower.toFixed(3)}–${c.upper.toFixed(3)} | ${ok ? 'yes' : 'NO'} | ` +
        `${((c.mean - c.truth) / c.sd).toFixed(2)} | ${c.decayMean.toFixed(2)} (${c.decayTrue}) | ${c.lamMean.toFixed(2)} (${c.lamTrue}) | ${record.divergences} |`,
    );
  }
}

const n = records.length;
const summary = [
  '| channel | inside 90% interval | coverage 95% interval | mean z ± se | sd of z | mean ROAS − truth | truth below posterior median | rank counts (10 bins) | χ²₉ | p |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const channel of CHANNELS) {
  const cs = records.map((r) => r.channels.find((c) => c.channel === channel)!);
  const k = cs.filter((c) => c.truth >= c.lower && c.truth <= c.upper).length;
  const [lo, hi] = clopperPearson(k, n);
  const z = cs.map((c) => (c.mean - c.truth) / c.sd);
  const zMean = z.reduce((a, b) => a + b, 0) / n;
  const zSd = n > 1 ? Math.sqrt(z.reduce((a, b) => a + (b - zMean) ** 2, 0) / (n - 1)) : NaN;
  const zSe = zSd / Math.sqrt(n);
  const diff = cs.reduce((a, c) => a + c.mean - c.truth, 0) / n;
  const counts = new Array<number>(SBC_BINS).fill(0);
  for (const c of cs) counts[Math.min(SBC_BINS - 1, Math.floor(c.below * SBC_BINS))]++;
  const expected = n / SBC_BINS;
  const chi2 = counts.reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
  const belowMedian = cs.filter((c) => c.below < 0.5).length;
  summary.push(
    `| ${channel} | ${k} of ${n} | ${lo.toFixed(2)}–${hi.toFixed(2)} | ${zMean.toFixed(2)} ± ${zSe.toFixed(2)} | ${zSd.toFixed(2)} | ${diff.toFixed(3)} | ${belowMedian} of ${n} | ${counts.join(' ')} | ${chi2.toFixed(1)} | ${chiSquare9Survival(chi2).toFixed(3)} |`,
  );
}
const shape = ['| channel | decay: true, average posterior mean, seeds with mean above truth | λ: true, average posterior mean, seeds with mean above truth |', '|---|---|---|'];
for (const channel of CHANNELS) {
  const cs = records.map((r) => r.channels.find((c) => c.channel === channel)!);
  const describe = (truth: number, means: number[]): string =>
    `${truth}, ${(means.reduce((a, b) => a + b, 0) / n).toFixed(2)}, ${means.filter((m) => m > truth).length} of ${n}`;
  shape.push(`| ${channel} | ${describe(cs[0].decayTrue, cs.map((c) => c.decayMean))} | ${describe(cs[0].lamTrue, cs.map((c) => c.lamMean))} |`);
}
const [allLo, allHi] = clopperPearson(inside, total);
const cpu = records.reduce((a, r) => a + r.cpuSeconds, 0);
console.log(`# MMM recovery: true ROAS inside the 90% interval in ${inside} of ${total} (channel, seed) pairs\n`);
console.log(
  `Seeds ${seeds[0]}–${seeds[seeds.length - 1]} of sim:mmm (${n} fits; coverage over all pairs ${(inside / total).toFixed(3)}, ` +
    `Clopper–Pearson 95% ${allLo.toFixed(3)}–${allHi.toFixed(3)}); CPU ${(cpu / n).toFixed(0)} s a fit on average. ` +
    (fitted === 0
      ? `Every fit read from ${flags.records} (fitted by an earlier run of this bench).\n`
      : `Fitted now: ${fitted} (load average at start: ${started}; at end: ${loadAverage()})${fitted < n ? `; read from ${flags.records}: ${n - fitted}` : ''}.\n`),
);
console.log(
  'z = (posterior mean − truth) / posterior sd; its mean is near 0 without bias (se = sd of z / √n), and its sd near 1 ' +
    'when the posterior sd matches the spread of the estimate over data sets (below 1: intervals wider than needed). The rank is the ' +
    "truth's place among the 4,000 draws; χ²₉ tests its 10-bin histogram for uniformity (a rough check below ~50 seeds: " +
    'it wants ≥ 5 per bin). Every seed draws its data from the same true parameters, so this is coverage at one ' +
    'parameter value, not simulation-based calibration.\n',
);
console.log(summary.join('\n'));
console.log('');
console.log(shape.join('\n'));
console.log('');
console.log(rows.join('\n'));
