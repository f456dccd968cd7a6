import { describe, expect, it } from 'vitest';
import { DensityTarget } from '../../../src/model/density-model/target.js';
import { Rng } from '../../../src/rng.js';
import { toyModel } from './toy-model.js';

const y = Float64Array.from([0.4, 1.3, -0.2, 0.9, 2.1]);

describe('DensityTarget', () => {
  const model = toyModel(y);
  const target = new DensityTarget(model);

  it('has the unconstrained dimension (a 3-simplex has 2 coordinates)', () => {
    expect(target.dim).toBe(5);
  });

  it('evaluates C chains: log p(T(u)) + log|J|, and the gradient central differences give', () => {
    const rng = new Rng(7);
    const C = 3;
    const d = target.dim;
    const u = Float64Array.from({ length: C * d }, () => rng.uniformRange(-1.5, 1.5));
    const logp = new Float64Array(C);
    const grad = new Float64Array(C * d);
    target.logDensityGradientSync!(u, C, logp, grad);
    const x = new Float64Array(target.layout.constrainedDim);
    const gx = new Float64Array(x.length);
    const one = new Float64Array(1);
    const g1 = new Float64Array(d);
    const at = (v: Float64Array) => {
      target.logDensityGradientSync!(v, 1, one, g1);
      return one[0];
    };
    for (let c = 0; c < C; c++) {
      const uc = u.slice(c * d, (c + 1) * d);
      const logJ = target.layout.constrain(uc, x);
      expect(logp[c]).toBeCloseTo(model.logDensity(x, gx) + logJ, 12);
      for (let j = 0; j < d; j++) {
        const h = 1e-5;
        const up = uc.slice();
        const um = uc.slice();
        up[j] += h;
        um[j] -= h;
        const fd = (at(up) - at(um)) / (2 * h);
        expect(Math.abs(grad[c * d + j] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('leaves inactive chains untouched and agrees between the sync and async forms', async () => {
    const d = target.dim;
    const u = Float64Array.from({ length: 2 * d }, (_, i) => 0.1 * i - 0.3);
    const logp = Float64Array.from([7, 7]);
    const grad = new Float64Array(2 * d).fill(7);
    await target.logDensityGradient(u, 2, logp, grad, Uint8Array.from([0, 1]));
    expect(logp[0]).toBe(7);
    expect(Array.from(grad.subarray(0, d))).toEqual(new Array(d).fill(7));
    const logp2 = new Float64Array(2);
    const grad2 = new Float64Array(2 * d);
    target.logDensityGradientSync!(u, 2, logp2, grad2);
    expect(logp[1]).toBe(logp2[1]);
    expect(Array.from(grad.subarray(d))).toEqual(Array.from(grad2.subarray(d)));
  });

  it('reports a density that is not finite as −Infinity with a zero gradient', () => {
    const t = new DensityTarget({ ...model, logDensity: () => NaN });
    const logp = new Float64Array(1);
    const grad = new Float64Array(t.dim).fill(3);
    t.logDensityGradientSync!(new Float64Array(t.dim), 1, logp, grad);
    expect(logp[0]).toBe(-Infinity);
    expect(Array.from(grad)).toEqual(new Array(t.dim).fill(0));
  });
});
