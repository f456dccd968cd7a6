import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { findMode } from '../../src/fit/map.js';
import { randomSpec } from '../helpers/specs.js';

describe('posterior mode', () => {
  it('finds a stationary point of the hierarchical log density, higher than nearby points', async () => {
    const spec = randomSpec('hierarchical', { n: 3000, seed: 2 });
    const backend = await createReferenceBackend(spec);
    const mode = await findMode(backend);
    expect(mode.optimizer.converged).toBe(true);
    // the gradient at the returned point vanishes (the first-order condition of a mode)
    const logp = new Float64Array(1);
    const grad = new Float64Array(spec.dim);
    await backend.logDensityGradient(mode.theta, 1, logp, grad);
    expect(Math.max(...grad.map(Math.abs))).toBeLessThan(1e-4);
    // and every coordinate step away lowers the density (second-order check along the axes)
    for (let j = 0; j < spec.dim; j++) {
      for (const h of [-1e-2, 1e-2]) {
        const moved = mode.theta.slice();
        moved[j] += h;
        await backend.logDensityGradient(moved, 1, logp, grad);
        expect(logp[0]).toBeLessThan(mode.logDensity);
      }
    }
  });
});
