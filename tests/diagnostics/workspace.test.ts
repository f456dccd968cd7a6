/**
 * The diagnostics' work arrays live in a DiagnosticsWorkspace owned by the caller (src/diagnostics/workspace.ts).
 *
 * What these tests can and cannot show: every diagnostic is synchronous, and worker threads each load their own copy
 * of the modules, so the module-level scratch arrays this replaced could not actually be interleaved: no test could
 * have made them give a wrong number. What is tested instead is the workspace contract the summary now rests on: a
 * slot keeps its value while the size stays the same and gives a value of the new size when it changes, workspaces
 * and slots never share memory, and summaries computed variable by variable in turn — two draw sets of different sizes
 * (chains, draws per chain, an odd count that takes the copying split path, slowly mixing chains whose ESS needs the
 * short and then the full FFT), each with a workspace of its own and both through one shared workspace — give
 * exactly the rows of each summary computed alone (the reference: summarizeDraws, tested against R posterior in
 * golden.test.ts). A workspace that kept a value across a change of size, or FFT plans of the wrong length, fails it.
 */
import { describe, expect, it } from 'vitest';
import { variableChains } from '../../src/diagnostics/chains.js';
import type { SummaryRow } from '../../src/diagnostics/summary.js';
import { summarizeDraws, summarizeVariable } from '../../src/diagnostics/summary.js';
import { DiagnosticsWorkspace, float64Slot, uint32Slot, workSlotPerSize } from '../../src/diagnostics/workspace.js';
import type { DrawSet } from '../../src/draws.js';
import { makeDrawSet } from '../../src/draws.js';
import { Rng } from '../../src/rng.js';

/** AR(1) chains, autocorrelation from 0 to 0.995 across the variables (the last ones need FFT lags for their ESS). */
function arDraws(nVariables: number, nChains: number, nDraws: number, seed: number): DrawSet {
  const ds = makeDrawSet(Array.from({ length: nVariables }, (_, i) => `x[${i + 1}]`), nChains, nDraws);
  const rng = new Rng(seed);
  for (let v = 0; v < nVariables; v++) {
    const rho = (0.995 * v) / (nVariables - 1);
    for (let c = 0; c < nChains; c++) {
      let y = rng.normal();
      for (let d = 0; d < nDraws; d++) ds.values[(v * nChains + c) * nDraws + d] = y = rho * y + rng.normal();
    }
  }
  return ds;
}

describe('DiagnosticsWorkspace', () => {
  it('keeps a slot’s value while its size stays the same and makes one of the new size when it changes', () => {
    const ws = new DiagnosticsWorkspace();
    const slot = float64Slot('a');
    const a = ws.get(slot, 10);
    expect(a).toHaveLength(10);
    expect(ws.get(slot, 10)).toBe(a);
    const b = ws.get(slot, 7);
    expect(b).toHaveLength(7);
    expect(b).not.toBe(a);
    expect(ws.get(slot, 7)).toBe(b);
  });

  it('keeps one value per size for a per-size slot', () => {
    const ws = new DiagnosticsWorkspace();
    const made: number[] = [];
    const slot = workSlotPerSize('plans', (n) => {
      made.push(n);
      return new Float64Array(n);
    });
    const p8 = ws.get(slot, 8);
    const p16 = ws.get(slot, 16);
    expect(ws.get(slot, 8)).toBe(p8);
    expect(ws.get(slot, 16)).toBe(p16);
    expect(made).toEqual([8, 16]);
  });

  it('never gives two slots, or two workspaces, the same memory', () => {
    const one = new DiagnosticsWorkspace();
    const two = new DiagnosticsWorkspace();
    const f = float64Slot('f');
    const g = float64Slot('g');
    const u = uint32Slot('u');
    const buffers = [one.get(f, 5).buffer, one.get(g, 5).buffer, one.get(u, 5).buffer, two.get(f, 5).buffer];
    expect(new Set(buffers).size).toBe(4);
  });

  it('summaries computed in turn, variable by variable, equal each summary computed alone', () => {
    const big = arDraws(6, 4, 1000, 11);
    const odd = arDraws(6, 3, 501, 12);
    const alone = [summarizeDraws(big).rows, summarizeDraws(odd).rows];
    const own = [new DiagnosticsWorkspace(), new DiagnosticsWorkspace()];
    const shared = new DiagnosticsWorkspace();
    const inTurn: SummaryRow[][] = [[], []];
    const throughShared: SummaryRow[][] = [[], []];
    for (let v = 0; v < 6; v++) {
      [big, odd].forEach((ds, k) => {
        inTurn[k].push(summarizeVariable(ds.names[v], variableChains(ds, v), own[k]));
        throughShared[k].push(summarizeVariable(ds.names[v], variableChains(ds, v), shared));
      });
    }
    // the slowest-mixing variable is far below its draw count (its ESS took FFT lags), so the FFT path ran
    expect(alone[0][5].ess_bulk!).toBeLessThan(100);
    for (const k of [0, 1]) {
      expect(inTurn[k]).toEqual(alone[k]);
      expect(throughShared[k]).toEqual(alone[k]);
    }
  });
});
