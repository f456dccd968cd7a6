import { describe, expect, it } from 'vitest';
import { DensityLayout, densityCoordinates, densityNames } from '../../../src/model/density-model/transforms.js';
import type { DensityModel, ParameterBlock } from '../../../src/model/density-model/types.js';
import { Rng } from '../../../src/rng.js';
import { userErrorOf } from '../../helpers/user-error.js';

const BLOCKS: ParameterBlock[] = [
  { name: 'a', size: 2, transform: { kind: 'real' } },
  { name: 'sigma', size: 1, transform: { kind: 'positive' } },
  { name: 'floor', size: 2, transform: { kind: 'lower', lower: -3 } },
  { name: 'p', size: 1, transform: { kind: 'unit' } },
  { name: 'rho', size: 2, transform: { kind: 'interval', lower: -1, upper: 4 } },
  { name: 'w', size: 4, transform: { kind: 'simplex' } },
  { name: 'v', size: 2, transform: { kind: 'simplex' } },
];

function randomU(layout: DensityLayout, rng: Rng, scale = 1.5): Float64Array {
  return Float64Array.from({ length: layout.dim }, () => rng.uniformRange(-scale, scale));
}

/** log |det| of a square matrix (row-major) by Gaussian elimination with partial pivoting. */
function logAbsDet(m: Float64Array, n: number): number {
  const a = m.slice();
  let out = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) p = i;
    if (p !== k) for (let j = 0; j < n; j++) [a[k * n + j], a[p * n + j]] = [a[p * n + j], a[k * n + j]];
    const piv = a[k * n + k];
    out += Math.log(Math.abs(piv));
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / piv;
      for (let j = k; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return out;
}

describe('DensityLayout', () => {
  const layout = new DensityLayout(BLOCKS);

  it('has unconstrained dim Σ sizes minus one per simplex', () => {
    expect(layout.constrainedDim).toBe(14);
    expect(layout.dim).toBe(12);
    expect(layout.blocks.map((b) => [b.uStart, b.uSize, b.xStart])).toEqual([
      [0, 2, 0],
      [2, 1, 2],
      [3, 2, 3],
      [5, 1, 5],
      [6, 2, 6],
      [8, 3, 8],
      [11, 1, 12],
    ]);
  });

  it('maps each transform as its closed form says', () => {
    const u = Float64Array.from([0.3, -1.2, 0.7, -0.4, 1.1, 2.0, 0.5, -0.6, 0, 0, 0, 0]);
    const x = new Float64Array(layout.constrainedDim);
    layout.constrain(u, x);
    const logistic = (v: number) => 1 / (1 + Math.exp(-v));
    expect(x[0]).toBe(0.3);
    expect(x[2]).toBeCloseTo(Math.exp(0.7), 14);
    expect(x[3]).toBeCloseTo(-3 + Math.exp(-0.4), 14);
    expect(x[5]).toBeCloseTo(logistic(2.0), 14);
    expect(x[6]).toBeCloseTo(-1 + 5 * logistic(0.5), 14);
    // u = 0 is the uniform simplex (the log(K − k) offset)
    for (let k = 0; k < 4; k++) expect(x[8 + k]).toBeCloseTo(0.25, 14);
    expect(x[12]).toBeCloseTo(0.5, 14);
  });

  it('round-trips through unconstrain', () => {
    const rng = new Rng(3);
    const x = new Float64Array(layout.constrainedDim);
    const back = new Float64Array(layout.dim);
    for (let rep = 0; rep < 20; rep++) {
      const u = randomU(layout, rng, 3);
      layout.constrain(u, x);
      layout.unconstrain(x, back);
      for (let j = 0; j < layout.dim; j++) expect(back[j]).toBeCloseTo(u[j], 9);
    }
  });

  it('gives log |J| equal to the log-determinant of the finite-difference Jacobian', () => {
    // the simplex's K − 1 free values x_1 … x_{K−1} as a function of its K − 1 coordinates: a square Jacobian
    const rng = new Rng(11);
    const x = new Float64Array(layout.constrainedDim);
    const xp = new Float64Array(layout.constrainedDim);
    const xm = new Float64Array(layout.constrainedDim);
    const free = layout.blocks.flatMap((b) => Array.from({ length: b.uSize }, (_, j) => b.xStart + j));
    expect(free.length).toBe(layout.dim);
    for (let rep = 0; rep < 5; rep++) {
      const u = randomU(layout, rng);
      const logJ = layout.constrain(u, x);
      const n = layout.dim;
      const jac = new Float64Array(n * n);
      const h = 1e-6;
      for (let j = 0; j < n; j++) {
        const up = u.slice();
        const um = u.slice();
        up[j] += h;
        um[j] -= h;
        layout.constrain(up, xp);
        layout.constrain(um, xm);
        for (let i = 0; i < n; i++) jac[i * n + j] = (xp[free[i]] - xm[free[i]]) / (2 * h);
      }
      expect(logJ).toBeCloseTo(logAbsDet(jac, n), 6);
    }
  });

  it('chains the gradient of Σ w·x + log |J| as central finite differences do', () => {
    const rng = new Rng(5);
    const x = new Float64Array(layout.constrainedDim);
    const w = Float64Array.from({ length: layout.constrainedDim }, () => rng.uniformRange(-2, 2));
    const f = (u: Float64Array) => {
      const logJ = layout.constrain(u, x);
      let s = logJ;
      for (let i = 0; i < x.length; i++) s += w[i] * x[i];
      return s;
    };
    const gu = new Float64Array(layout.dim);
    for (let rep = 0; rep < 5; rep++) {
      const u = randomU(layout, rng, 2);
      f(u);
      layout.chainGradient(u, x, w, gu);
      for (let j = 0; j < layout.dim; j++) {
        const h = 1e-5;
        const up = u.slice();
        const um = u.slice();
        up[j] += h;
        um[j] -= h;
        const fd = (f(up) - f(um)) / (2 * h);
        expect(Math.abs(gu[j] - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('stays finite far out in the tails', () => {
    const u = new Float64Array(layout.dim).fill(40);
    const x = new Float64Array(layout.constrainedDim);
    expect(Number.isFinite(layout.constrain(u, x))).toBe(true);
    u.fill(-40);
    expect(Number.isFinite(layout.constrain(u, x))).toBe(true);
  });

  it('refuses malformed blocks with one line naming the parameter', () => {
    expect(userErrorOf(() => new DensityLayout([{ name: 'w', size: 1, transform: { kind: 'simplex' } }], 'toy model'))).toBe(
      'toy model: simplex \'w\' needs at least 2 values, has 1',
    );
    expect(userErrorOf(() => new DensityLayout([{ name: 'r', size: 1, transform: { kind: 'interval', lower: 2, upper: 1 } }]))).toContain("'r'");
    expect(userErrorOf(() => new DensityLayout([{ name: 'beta[1]', size: 1, transform: { kind: 'real' } }]))).toContain('beta[1]');
    expect(
      userErrorOf(() =>
        new DensityLayout([
          { name: 'b', size: 1, transform: { kind: 'real' } },
          { name: 'b', size: 2, transform: { kind: 'real' } },
        ]),
      ),
    ).toContain('declared twice');
    expect(userErrorOf(() => new DensityLayout([{ name: 'b', size: 2, transform: { kind: 'real' }, coordinates: ['x'] }]))).toContain('1 coordinates for 2');
  });
});

describe('densityNames', () => {
  it('names scalars bare, vectors by index, generated quantities last', () => {
    const model: DensityModel = {
      kind: 'toy',
      parameters: [
        { name: 'sigma', size: 1, transform: { kind: 'positive' } },
        { name: 'beta', size: 2, transform: { kind: 'real' }, coordinates: ['intercept', 'trend'] },
        { name: 'one', size: 1, transform: { kind: 'real' }, coordinates: ['only'] },
        { name: 'w', size: 3, transform: { kind: 'simplex' } },
      ],
      observations: 0,
      logDensity: () => 0,
      generated: { names: ['y_rep[1]', 'y_rep[2]'], compute: () => {} },
    };
    expect(densityNames(model)).toEqual(['sigma', 'beta[1]', 'beta[2]', 'one[1]', 'w[1]', 'w[2]', 'w[3]', 'y_rep[1]', 'y_rep[2]']);
    expect(densityCoordinates(model)).toEqual({ beta: ['intercept', 'trend'], one: ['only'] });
  });
});
