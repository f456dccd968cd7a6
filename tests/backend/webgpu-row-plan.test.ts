/**
 * The WebGPU row plan (src/backend/webgpu/row-plan.ts), checked without a device against direct counts: every
 * partial sum is listed by exactly one slot, and each level's segments hold exactly that level's rows.
 */
import { describe, expect, it } from 'vitest';
import { planRows } from '../../src/backend/webgpu/row-plan.js';
import { levelCount } from '../../src/model/spec.js';
import { familySpec } from '../helpers/family-truth-specs.js';
import { randomSpec } from '../helpers/specs.js';

describe('webgpu row plan', () => {
  for (const [workgroupSize, rowsPerThread] of [[8, 1], [256, 1], [8, 4], [32, 16]]) {
    const tileRows = workgroupSize * rowsPerThread;
    it(`crossed spec, tiles of ${tileRows} rows (${workgroupSize} invocations × ${rowsPerThread} rows)`, () => {
      const spec = randomSpec('crossed', { n: 1000, seed: 3 });
      const plan = planRows(spec, workgroupSize, 16384, rowsPerThread);
      expect(plan.tileRows).toBe(tileRows);
      expect(plan.tiles).toBe(Math.ceil(1000 / tileRows));
      const { slots, lists, partialsPerChain, order, n } = plan;
      expect(plan.chunks).toHaveLength(1);
      const { rowU } = plan.chunks[0];
      // order is a permutation, sorted by the factor with the fewest levels (zip: 3 levels)
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      const zip = spec.groups[1].index;
      for (let q = 1; q < n; q++) expect(zip[order[q]]).toBeGreaterThanOrEqual(zip[order[q - 1]]);
      // each partial is listed once
      const listed = new Uint32Array(partialsPerChain);
      for (let e = lists[0]; e < lists[slots]; e++) listed[lists[slots + 1 + e]]++;
      expect(listed.every((v) => v === 1)).toBe(true);
      // per term and level: the rows in its segments are exactly the level's rows
      const constants = plan.constants.logpGrad;
      const segOff = 'u32s' in constants.TERM_SEG_OFF ? constants.TERM_SEG_OFF.u32s : [];
      const startOff = 'u32s' in constants.TERM_RUN_START_OFF ? constants.TERM_RUN_START_OFF.u32s : [];
      const segBase = 'u32s' in constants.TERM_SEG_BASE ? constants.TERM_SEG_BASE.u32s : [];
      spec.terms.forEach((term, t) => {
        const rowsOfSegment = new Map<number, number>();
        for (let q = 0; q < n; q++) {
          const seg = rowU[segOff[t] + q];
          if (seg !== 0xffffffff) rowsOfSegment.set(segBase[t] + seg, (q % tileRows) - rowU[startOff[t] + q] + 1);
        }
        const index = spec.groups[term.group].index;
        for (let k = 0; k < levelCount(spec, t); k++) {
          const slot = 1 + plan.termROffset[t] + k;
          let rows = 0;
          for (let e = lists[slot]; e < lists[slot + 1]; e++) rows += rowsOfSegment.get(lists[slots + 1 + e]) ?? 0;
          expect(rows).toBe(index.filter((v) => v === k).length);
        }
      });
    });
  }

  it('a family with an auxiliary parameter: its derivative is one more tile component, reduced into the last slot', () => {
    const { spec } = familySpec('crossed', { family: 'negbinomial', intercept: 1, aux: 2 }, 700, 3);
    const plan = planRows(spec, 8, 16384, 4);
    const p = spec.fixed.names.length;
    const { slots, lists, partialsPerChain, tiles, coefficients } = plan;
    expect(plan.paramsPerChain).toBe(coefficients + plan.family.chainValueCount);
    expect(slots).toBe(2 + coefficients);
    const listed = new Uint32Array(partialsPerChain);
    for (let e = lists[0]; e < lists[slots]; e++) listed[lists[slots + 1 + e]]++;
    expect(listed.every((v) => v === 1)).toBe(true);
    const auxSlot = slots - 1;
    const auxList = Array.from(lists.subarray(slots + 1 + lists[auxSlot], slots + 1 + lists[auxSlot + 1]));
    expect(auxList).toEqual(Array.from({ length: tiles }, (_, tile) => tile * (p + 2) + p + 1));
  });

  it('reduces as many fixed-effect chunks per pass as workgroup memory holds, at least one', () => {
    const spec = randomSpec('crossed', { n: 100, seed: 3 }); // 4 fixed effects: 5 components, 2 vec4 chunks
    const perPass = (workgroupSize: number, bytes: number) => {
      const c = planRows(spec, workgroupSize, bytes, 16).constants.logpGrad;
      return [c.N_CHUNKS, c.CHUNKS_PER_PASS].map((x) => ('u32' in x ? x.u32 : NaN));
    };
    // logp_grad.wgsl's workgroup memory: CHUNKS_PER_PASS · 16 · WG bytes of sums + 8 · WG bytes of scan
    expect(perPass(128, 16384)).toEqual([2, 2]);
    expect(perPass(256, 3 * 16 * 256 + 8 * 256 - 1)).toEqual([2, 2]);
    expect(perPass(256, 16 * 256 + 8 * 256)).toEqual([2, 1]);
    expect(perPass(256, 0)).toEqual([2, 1]);
  });
  it('rows in chunks of whole tiles: the chunks\' columns are the one-chunk columns cut at the chunk rows', () => {
    const { spec } = familySpec('crossed', { family: 'negbinomial', intercept: 1, aux: 2 }, 700, 3);
    const whole = planRows(spec, 8, 16384, 4);
    const chunked = planRows(spec, 8, 16384, 4, undefined, 100); // tiles of 32 rows: chunks of 96
    expect(chunked.chunkRows).toBe(96);
    expect(chunked.chunks.map((c) => c.rows)).toEqual([96, 96, 96, 96, 96, 96, 96, 28]);
    expect(chunked.chunks.map((c) => c.firstTile)).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
    expect(chunked.lists).toEqual(whole.lists);
    expect(chunked.partialsPerChain).toBe(whole.partialsPerChain);
    const n = spec.n;
    const C = chunked.chunkRows;
    const [one] = whole.chunks;
    const p = spec.fixed.names.length;
    const fCols = one.rowF.length / n - p; // after X (row-major, n × p): one column per row value
    const uCols = (one.rowU.length - 3) / n;
    for (const chunk of chunked.chunks) {
      expect(chunk.rowF.subarray(0, chunk.rows * p)).toEqual(one.rowF.subarray(chunk.firstRow * p, (chunk.firstRow + chunk.rows) * p));
      for (let col = 0; col < fCols; col++) {
        const [mine, theirs] = [C * p + col * C, n * p + col * n + chunk.firstRow];
        expect(chunk.rowF.subarray(mine, mine + chunk.rows)).toEqual(one.rowF.subarray(theirs, theirs + chunk.rows));
      }
      for (let col = 0; col < uCols; col++) {
        expect(chunk.rowU.subarray(col * C, col * C + chunk.rows)).toEqual(one.rowU.subarray(col * n + chunk.firstRow, col * n + chunk.firstRow + chunk.rows));
      }
      expect(Array.from(chunk.rowU.subarray(uCols * C))).toEqual([4, chunk.rows, chunk.firstTile]);
    }
    for (let i = 0; i < n; i++) expect(chunked.order[chunked.position[i]]).toBe(i);
  });
});
