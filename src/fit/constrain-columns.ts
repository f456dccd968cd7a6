/**
 * Constrained draws that hold the per-level variables once, in the sampler's own arrays (issue 16): each position
 * is constrained and its level values written back in the place of its level coordinates (layout.ts, levelPlaces),
 * so that z_ (or r_ of a centered term) lie where the sampler left them and r_ = sd · z_ is derived when read
 * (src/column-draws.ts). Only the other variables (b_, sd_, cor_, sigma, a correlated block's r_) are stored again.
 *
 * The sampler's draws are no longer unconstrained afterwards: `result.draws` is emptied chain by chain, so nothing
 * reads them as such.
 */
import { type ColumnDraws } from '../column-draws.js';
import { makeDrawSet } from '../draws.js';
import { constrain, constrainedDim, constrainedNames, levelPlaces } from '../model/layout.js';
import type { ModelSpec } from '../model/spec.js';
import type { SampleResult } from '../sampler/run.js';

export function constrainToColumns(spec: ModelSpec, result: SampleResult): ColumnDraws {
  const names = constrainedNames(spec);
  const { place, times } = levelPlaces(spec);
  const V = names.length;
  const C = result.nChains;
  const D = result.nDraws;
  const baseOf = new Int32Array(V).fill(-1);
  const baseVars: number[] = [];
  for (let i = 0; i < V; i++) if (place[i] < 0) baseOf[i] = baseVars.push(i) - 1;
  const base = makeDrawSet(baseVars.map((i) => names[i]), C, D, { shared: true });
  const source = new Int32Array(V);
  const column: number[] = [];
  const scale: number[] = [];
  /** Per column: its constrained variable, and the one whose value lies in its place (itself, or the z_ of an r_). */
  const variable: number[] = [];
  const written: number[] = [];
  const inPlace = new Map<number, number>();
  for (let i = 0; i < V; i++) if (place[i] >= 0 && times[i] < 0) inPlace.set(place[i], i);
  for (let i = 0; i < V; i++) {
    if (place[i] < 0) {
      source[i] = baseOf[i];
      continue;
    }
    source[i] = -1 - column.length;
    column.push(place[i]);
    scale.push(times[i] < 0 ? -1 : baseOf[times[i]]);
    variable.push(i);
    written.push(inPlace.get(place[i])!);
  }
  const dim = spec.dim;
  const row = new Float64Array(constrainedDim(spec));
  const J = column.length;
  const B = baseVars.length;
  const chains: Float64Array[] = [];
  for (let c = 0; c < C; c++) {
    const chain = result.draws[c];
    for (let d = 0; d < D; d++) {
      const theta = chain.subarray(d * dim, (d + 1) * dim);
      constrain(spec, theta, row);
      for (let b = 0; b < B; b++) base.values[(b * C + c) * D + d] = row[baseVars[b]];
      for (let j = 0; j < J; j++) {
        const i = variable[j];
        if (scale[j] < 0) {
          theta[column[j]] = row[i];
          continue;
        }
        // r_ is read back as sd · z_: it must be the value constrain wrote, bit for bit
        const derived = row[times[i]] * row[written[j]];
        if (!Object.is(derived, row[i])) throw new Error(`constrainToColumns: ${names[i]} is not sd · z at chain ${c + 1}, draw ${d + 1} (${row[i]} against ${derived})`);
      }
    }
    chains.push(chain);
    // the values in place are constrained now: nothing may read them as the sampler's coordinates
    result.draws[c] = new Float64Array(0);
  }
  return { names, nChains: C, nDraws: D, base, source, chains, stride: dim, column: Int32Array.from(column), scale: Int32Array.from(scale) };
}
