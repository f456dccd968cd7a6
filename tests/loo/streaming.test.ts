/**
 * Streaming PSIS-LOO: any block size and block order give exactly the in-memory result (reference: psisLoo on the
 * whole matrix, itself checked against R loo 2.5.1 in golden.test.ts); the backend adapter produces the blocks the
 * backend computes (reference: the backend's own pointwiseLogLik on all draws at once).
 */
import { describe, expect, it } from 'vitest';
import { blocksFromBackend } from '../../src/loo/backend-blocks.js';
import { LooAccumulator, psisLoo, psisLooStream, type LogLikBlock } from '../../src/loo/loo.js';
import { readLogLikCsv } from '../../src/io/loglik-csv.js';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { randomPositions, randomSpec } from '../helpers/specs.js';
import { FIXTURES } from './fixtures.js';

async function crossedMatrix(): Promise<{ matrix: Float64Array; nDraws: number; nObs: number; chains: Uint32Array }> {
  const csv = await readLogLikCsv(`${FIXTURES}crossed.loglik.csv.gz`);
  const matrix = new Float64Array(csv.nDraws * csv.nObs);
  csv.rows.forEach((row, s) => matrix.set(row, s * csv.nObs));
  return { matrix, nDraws: csv.nDraws, nObs: csv.nObs, chains: csv.chainOfDraw };
}

function* blocksOf(matrix: Float64Array, nDraws: number, nObs: number, size: number, reverse = false) {
  const starts: number[] = [];
  for (let start = 0; start < nObs; start += size) starts.push(start);
  if (reverse) starts.reverse();
  const buffer = new Float64Array(nDraws * size);
  for (const start of starts) {
    const count = Math.min(size, nObs - start);
    const values = buffer.subarray(0, nDraws * count);
    for (let s = 0; s < nDraws; s++) {
      for (let j = 0; j < count; j++) values[s * count + j] = matrix[s * nObs + start + j];
    }
    yield { start, count, values } satisfies LogLikBlock;
  }
}

describe('psisLooStream', () => {
  it('block sizes 1, 7, 64 and 400, forwards and backwards, equal the non-streamed result exactly', async () => {
    const { matrix, nDraws, nObs, chains } = await crossedMatrix();
    const whole = psisLoo(matrix, nDraws, nObs, chains);
    for (const size of [1, 7, 64, 400]) {
      for (const reverse of [false, true]) {
        const streamed = await psisLooStream(nObs, nDraws, chains, blocksOf(matrix, nDraws, nObs, size, reverse));
        expect(streamed.pointwise).toEqual(whole.pointwise);
        expect(streamed.elpdLoo).toEqual(whole.elpdLoo);
        expect(streamed.looic).toEqual(whole.looic);
      }
    }
  });

  it('refuses missing and repeated observations', async () => {
    const { matrix, nDraws, nObs, chains } = await crossedMatrix();
    const blocks: LogLikBlock[] = [];
    for (const block of blocksOf(matrix, nDraws, nObs, 100)) blocks.push({ ...block, values: block.values.slice() });
    await expect(psisLooStream(nObs, nDraws, chains, blocks.slice(1))).rejects.toThrow(/covered 300 of 400/);
    const acc = new LooAccumulator(nObs, nDraws, chains);
    acc.addBlock(blocks[0]);
    expect(() => acc.addBlock(blocks[0])).toThrow(/observation 1 was given twice/);
  });
});

describe('blocksFromBackend', () => {
  it('fills nDraws × blockRows blocks in calls of ≤ maxDrawsPerCall draws, as the backend computes them', async () => {
    const spec = randomSpec('hierarchical', { n: 230, seed: 3 });
    const backend = new ReferenceBackend(spec);
    const nDraws = 40;
    const draws = randomPositions(spec, nDraws, 5);
    const full = new Float64Array(nDraws * spec.n);
    await backend.pointwiseLogLik(draws, nDraws, 0, spec.n, full);
    const calls: number[] = [];
    const counting = Object.create(backend) as ReferenceBackend;
    counting.pointwiseLogLik = (d, n, start, count, out) => {
      calls.push(n);
      return backend.pointwiseLogLik(d, n, start, count, out);
    };
    const seen: number[] = [];
    for await (const block of blocksFromBackend(counting, draws, nDraws, 64, { maxDrawsPerCall: 16 })) {
      seen.push(block.start);
      for (let s = 0; s < nDraws; s++) {
        for (let j = 0; j < block.count; j++) {
          expect(block.values[s * block.count + j]).toBe(full[s * spec.n + block.start + j]);
        }
      }
    }
    expect(seen).toEqual([0, 64, 128, 192]);
    expect(Math.max(...calls)).toBe(16);
    const chains = Uint32Array.from({ length: nDraws }, (_, s) => (s < 20 ? 1 : 2));
    const streamed = await psisLooStream(spec.n, nDraws, chains, blocksFromBackend(backend, draws, nDraws, 50));
    expect(streamed.pointwise).toEqual(psisLoo(full, nDraws, spec.n, chains).pointwise);
  });

  it("a fit's chains read where they are (pieces of nDraws / chains draws): every block as from one array, and LOO equal to psisLoo of the whole matrix to the bit", async () => {
    const spec = randomSpec('hierarchical', { n: 150, seed: 4 });
    const backend = new ReferenceBackend(spec);
    const nChains = 3;
    const perChain = 20;
    const nDraws = nChains * perChain;
    const draws = randomPositions(spec, nDraws, 6);
    const pieces = Array.from({ length: nChains }, (_, c) => draws.slice(c * perChain * spec.dim, (c + 1) * perChain * spec.dim));
    const full = new Float64Array(nDraws * spec.n);
    await backend.pointwiseLogLik(draws, nDraws, 0, spec.n, full);
    // calls of 7 draws: pieces of 20 end mid-call, so each chain's last call is short and the next chain starts a new one
    for await (const block of blocksFromBackend(backend, pieces, nDraws, 64, { maxDrawsPerCall: 7 })) {
      for (let s = 0; s < nDraws; s++) {
        for (let j = 0; j < block.count; j++) expect(block.values[s * block.count + j]).toBe(full[s * spec.n + block.start + j]);
      }
    }
    const chains = Uint32Array.from({ length: nDraws }, (_, s) => Math.floor(s / perChain));
    const whole = psisLoo(full, nDraws, spec.n, chains);
    const streamed = await psisLooStream(spec.n, nDraws, chains, blocksFromBackend(backend, pieces, nDraws, 32, { maxDrawsPerCall: 7 }));
    expect(streamed.pointwise).toEqual(whole.pointwise);
    expect(streamed.elpdLoo).toEqual(whole.elpdLoo);
    await expect(blocksFromBackend(backend, pieces, nDraws + 1, 32).next()).rejects.toThrow(/in 3 pieces/);
  });
});
