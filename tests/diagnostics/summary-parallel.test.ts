/**
 * The threaded summary gives the same rows and warnings as the one-thread summary (the reference, itself tested
 * against R posterior 1.4.0 in golden.test.ts), whichever variables the workers take; and it falls back to one
 * thread for small inputs.
 */
import { describe, expect, it } from 'vitest';
import { summarizeDraws } from '../../src/diagnostics/summary.js';
import { summarizeDrawsParallel } from '../../src/diagnostics/summary-parallel.js';
import { makeDrawSet } from '../../src/draws.js';
import { Rng } from '../../src/rng.js';

function draws(nVariables: number): ReturnType<typeof makeDrawSet> {
  const ds = makeDrawSet(Array.from({ length: nVariables }, (_, i) => `theta.${i + 1}`), 3, 1001);
  const rng = new Rng(77);
  for (let v = 0; v < nVariables; v++) {
    const rho = v / nVariables;
    for (let c = 0; c < 3; c++) {
      let y = 0;
      for (let d = 0; d < 1001; d++) ds.values[(v * 3 + c) * 1001 + d] = y = rho * y + rng.normal();
    }
  }
  ds.values[5 * 3 * 1001 + 17] = NaN; // theta.6: NA row and a warning
  return ds;
}

describe('summarizeDrawsParallel', () => {
  it('quantileMcse: false leaves mcse_q5 and mcse_q95 null and every other statistic as it was, in workers too', async () => {
    const ds = draws(8);
    const full = summarizeDraws(ds);
    const expected = full.rows.map((r) => ({ ...r, mcse_q5: null, mcse_q95: null }));
    expect(full.rows.filter((r) => r.mcse_q5 !== null && r.mcse_q95 !== null)).toHaveLength(7); // theta.6 is NA
    expect(summarizeDraws(ds, { quantileMcse: false }).rows).toEqual(expected);
    const many = await summarizeDrawsParallel(ds, { threads: 2, minParallelDraws: 0, useCallingThread: false, workerCode: 'source', quantileMcse: false });
    expect(many.rows).toEqual(expected);
    expect(many.rowsFromWorkers).toBe(8);
  });

  it('equals summarizeDraws, worker threads taking part', async () => {
    const ds = draws(24);
    const one = summarizeDraws(ds, { variables: ['theta'] });
    for (const useCallingThread of [false, true]) {
      const many = await summarizeDrawsParallel(ds, {
        threads: 3, minParallelDraws: 0, variables: ['theta'], useCallingThread, workerCode: 'source',
      });
      expect(many.rows).toEqual(one.rows);
      expect(many.warnings).toEqual(one.warnings);
      expect(many.warnings).toHaveLength(1);
      // workers start in about a second; with the calling thread busy too they may find nothing left
      if (!useCallingThread) expect(many.rowsFromWorkers).toBe(24);
    }
  });
  it("equals summarizeDraws with workerCode 'auto' (the built JavaScript when dist/ is up to date, else the source)", async () => {
    const ds = draws(6);
    const many = await summarizeDrawsParallel(ds, { threads: 2, minParallelDraws: 0, useCallingThread: false, workerCode: 'auto' });
    expect(many.rowsFromWorkers).toBe(6);
    expect(many.rows).toEqual(summarizeDraws(ds).rows);
  });
  it('one thread below the size threshold', async () => {
    const ds = draws(4);
    const r = await summarizeDrawsParallel(ds, { threads: 4 });
    expect(r.rowsFromWorkers).toBe(0);
    expect(r.rows).toEqual(summarizeDraws(ds).rows);
  });
});
