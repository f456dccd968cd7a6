import type { MmmModel } from '../../../src/model/mmm/model.js';
import type { Rng } from '../../../src/rng.js';

/** A random interior point: positive blocks in (0.2, 2.2), decays in (0.1, 0.9), reals in (−1, 1) away from 0. */
export function randomPoint(m: MmmModel, rng: Rng): Float64Array {
  const theta = new Float64Array(m.layout.size);
  let at = 0;
  for (const block of m.parameters) {
    for (let i = 0; i < block.size; i++, at++) {
      if (block.transform.kind === 'positive') theta[at] = 0.2 + 2 * rng.uniform();
      else if (block.transform.kind === 'unit') theta[at] = 0.1 + 0.8 * rng.uniform();
      else theta[at] = (rng.uniform() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rng.uniform());
    }
  }
  theta[m.layout.sigma] = 0.05 + 0.2 * rng.uniform();
  return theta;
}

/** The central finite difference (h = 1e-6) of m's log density along coordinate i at theta; `scratch` takes gradients. */
export function centralDifference(m: MmmModel, theta: Float64Array, i: number, scratch: Float64Array): number {
  const h = 1e-6;
  const up = Float64Array.from(theta);
  const down = Float64Array.from(theta);
  up[i] += h;
  down[i] -= h;
  return (m.logDensity(up, scratch) - m.logDensity(down, scratch)) / (2 * h);
}
