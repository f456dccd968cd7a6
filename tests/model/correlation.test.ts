// The correlation coordinates and the LKJ prior (src/model/correlation.ts). References: the closed form of the 2 × 2
// Cholesky factor; LKJ(η) for m = 2, ∝ (1 − ρ²)^{η−1} with constant 2^{2η−1} B(η, η); the volume π²/2 of the 3 × 3
// correlation matrices; det(Ω)^{η−1} times the finite-difference Jacobian of y → Ω (change of variables, computed
// with a generic LU here); finite-difference Jacobian determinants of y → L; central finite differences.
import { describe, expect, it } from 'vitest';
import {
  addCpcGradient,
  choleskyFromCorrelation,
  choleskyFromCpc,
  correlationFromCholesky,
  cpcCount,
  cpcFromCholesky,
  cpcLogJacobian,
  cpcLogPrior,
  lkjLogNormalizer,
} from '../../src/model/correlation.js';
import { lgamma } from '../../src/numeric/log-gamma.js';
import { Rng } from '../../src/rng.js';

/** log |det A| of an n × n row-major matrix by LU with partial pivoting. */
function logAbsDet(A: Float64Array, n: number): number {
  const a = A.slice();
  let s = 0;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    if (piv !== c) for (let k = 0; k < n; k++) [a[c * n + k], a[piv * n + k]] = [a[piv * n + k], a[c * n + k]];
    s += Math.log(Math.abs(a[c * n + c]));
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
    }
  }
  return s;
}

/** Jacobian (rows: outputs, columns: inputs) of f at x by central differences. */
function fdJacobian(f: (x: Float64Array) => Float64Array, x: Float64Array, h = 1e-6): Float64Array {
  const n = x.length;
  const J = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const p = x.slice();
    const q = x.slice();
    p[j] += h;
    q[j] -= h;
    const fp = f(p);
    const fq = f(q);
    for (let i = 0; i < n; i++) J[i * n + j] = (fp[i] - fq[i]) / (2 * h);
  }
  return J;
}

function randomY(m: number, seed: number, scale = 0.8): Float64Array {
  const rng = new Rng(seed, 5);
  return Float64Array.from({ length: cpcCount(m) }, () => scale * rng.normal());
}

const cholesky = (y: Float64Array, m: number): Float64Array => {
  const L = new Float64Array(m * m);
  choleskyFromCpc(y, 0, m, L);
  return L;
};

describe('correlation coordinates', () => {
  it('m = 2: L = [[1, 0], [ρ, √(1 − ρ²)]] with ρ = tanh y, and Ω_10 = ρ', () => {
    for (const y of [-3, -0.4, 0, 0.7, 5]) {
      const L = cholesky(Float64Array.of(y), 2);
      const rho = Math.tanh(y);
      expect(Array.from(L)).toEqual([1, 0, expect.closeTo(rho, 15), expect.closeTo(Math.sqrt(1 - rho * rho), 12)]);
      // √(1 − tanh² y) = 1/cosh y, which 1 − ρ² loses digits of at large |y|
      expect(L[3]).toBeCloseTo(1 / Math.cosh(y), 15);
      const omega = new Float64Array(1);
      correlationFromCholesky(L, 2, omega, 0);
      expect(omega[0]).toBeCloseTo(rho, 15);
    }
  });

  for (const m of [3, 4, 5]) {
    it(`m = ${m}: L Lᵀ has unit diagonal, and Ω → L → y inverts y → L`, () => {
      const y = randomY(m, m, 1.2);
      const L = cholesky(y, m);
      for (let i = 0; i < m; i++) {
        let d = 0;
        for (let k = 0; k <= i; k++) d += L[i * m + k] ** 2;
        expect(d).toBeCloseTo(1, 14);
        expect(L[i * m + i]).toBeGreaterThan(0);
      }
      const omega = new Float64Array(cpcCount(m));
      correlationFromCholesky(L, m, omega, 0);
      const L2 = new Float64Array(m * m);
      choleskyFromCorrelation(omega, 0, m, L2);
      for (let k = 0; k < m * m; k++) expect(Math.abs(L2[k] - L[k])).toBeLessThan(1e-13);
      const back = new Float64Array(cpcCount(m));
      cpcFromCholesky(L2, m, back, 0);
      for (let k = 0; k < back.length; k++) expect(Math.abs(back[k] - y[k])).toBeLessThan(1e-11);
    });

    it(`m = ${m}: the log-Jacobian of y → strictly lower L equals log |det| of its finite-difference Jacobian`, () => {
      const y = randomY(m, 10 + m);
      const lower = (x: Float64Array): Float64Array => {
        const L = cholesky(x, m);
        const out = new Float64Array(cpcCount(m));
        for (let i = 1; i < m; i++) for (let j = 0; j < i; j++) out[(i * (i - 1)) / 2 + j] = L[i * m + j];
        return out;
      };
      const fd = logAbsDet(fdJacobian(lower, y), cpcCount(m));
      expect(Math.abs(cpcLogJacobian(y, 0, m) - fd)).toBeLessThan(1e-7);
    });
  }

  it('m = 2: the LKJ(η) constant is 2^{2η−1} B(η, η), and the density of ρ is (1 − ρ²)^{η−1} / that', () => {
    for (const eta of [0.5, 1, 2, 4.5]) {
      const logC = (2 * eta - 1) * Math.LN2 + 2 * lgamma(eta) - lgamma(2 * eta);
      expect(lkjLogNormalizer(2, eta)).toBeCloseTo(logC, 12);
      // density of y = density of ρ × dρ/dy = (1 − ρ²)^{η−1}/c × (1 − ρ²)
      const y = 0.37;
      const rho = Math.tanh(y);
      expect(cpcLogPrior(Float64Array.of(y), 0, 2, eta, lkjLogNormalizer(2, eta))).toBeCloseTo(eta * Math.log(1 - rho * rho) - logC, 12);
    }
  });

  it('m = 3, η = 1: the constant is the volume π²/2 of the 3 × 3 correlation matrices', () => {
    expect(lkjLogNormalizer(3, 1)).toBeCloseTo(Math.log((Math.PI * Math.PI) / 2), 13);
  });

  it('the density of y integrates to 1 (m = 3 and 4, η = 0.7, 1, 2.5; trapezoid rule on a product grid)', () => {
    // log p(y) is a sum over coordinates (module comment), so its integral is the product of one-dimensional ones;
    // each is checked by quadrature on [−20, 20] with step 0.01 (the integrand decays like e^{−c|y|}).
    for (const m of [3, 4]) {
      for (const eta of [0.7, 1, 2.5]) {
        let logIntegral = 0;
        const one = new Float64Array(cpcCount(m));
        for (let idx = 0; idx < cpcCount(m); idx++) {
          let sum = 0;
          for (let t = -2000; t <= 2000; t++) {
            one.fill(0);
            one[idx] = t * 0.01;
            const w = t === -2000 || t === 2000 ? 0.5 : 1;
            sum += w * Math.exp(cpcLogPrior(one, 0, m, eta, 0));
          }
          logIntegral += Math.log(sum * 0.01);
        }
        // every coordinate at 0 contributes nothing, so the integral of the whole is the product above
        expect(logIntegral - lkjLogNormalizer(m, eta)).toBeCloseTo(0, 8);
      }
    }
  });

  for (const m of [2, 3, 4]) {
    it(`m = ${m}: log p(y) = det(Ω)^{η−1}/c_m(η) × |∂Ω/∂y| (finite-difference Jacobian, LU determinants)`, () => {
      for (const eta of [1, 2.3]) {
        const y = randomY(m, 20 + m);
        const omegaOf = (x: Float64Array): Float64Array => {
          const out = new Float64Array(cpcCount(m));
          correlationFromCholesky(cholesky(x, m), m, out, 0);
          return out;
        };
        const omega = omegaOf(y);
        const full = new Float64Array(m * m);
        for (let i = 0; i < m; i++) {
          full[i * m + i] = 1;
          for (let j = 0; j < i; j++) full[i * m + j] = full[j * m + i] = omega[(i * (i - 1)) / 2 + j];
        }
        const expected = (eta - 1) * logAbsDet(full, m) - lkjLogNormalizer(m, eta) + logAbsDet(fdJacobian(omegaOf, y), cpcCount(m));
        expect(Math.abs(cpcLogPrior(y, 0, m, eta, lkjLogNormalizer(m, eta)) - expected)).toBeLessThan(1e-7);
      }
    });

    it(`m = ${m}: addCpcGradient is ∂/∂y of f(L(y)) + log p(y) for f = Σ G_ij L_ij (central differences)`, () => {
      const eta = 1.7;
      const y = randomY(m, 30 + m, 1.5);
      const rng = new Rng(40 + m, 1);
      const G = Float64Array.from({ length: m * m }, (_, k) => (k % m <= Math.floor(k / m) ? rng.normal() : 0));
      const f = (x: Float64Array): number => {
        const L = cholesky(x, m);
        let s = cpcLogPrior(x, 0, m, eta, 0);
        for (let k = 0; k < m * m; k++) s += G[k] * L[k];
        return s;
      };
      const grad = new Float64Array(cpcCount(m));
      addCpcGradient(y, 0, m, eta, cholesky(y, m), G, grad, 0);
      for (let k = 0; k < y.length; k++) {
        const h = 1e-5;
        const p = y.slice();
        const q = y.slice();
        p[k] += h;
        q[k] -= h;
        const fd = (f(p) - f(q)) / (2 * h);
        expect(Math.abs(grad[k] - fd)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fd)));
      }
    });
  }

  it('extreme coordinates stay finite: y = ±30 gives |L_ij| ≤ 1 and a finite log density and gradient', () => {
    const y = Float64Array.of(30, -30, 25);
    const L = cholesky(y, 3);
    for (const v of L) expect(Number.isFinite(v) && Math.abs(v) <= 1).toBe(true);
    expect(Number.isFinite(cpcLogPrior(y, 0, 3, 2, lkjLogNormalizer(3, 2)))).toBe(true);
    const grad = new Float64Array(3);
    addCpcGradient(y, 0, 3, 2, L, new Float64Array(9).fill(1), grad, 0);
    for (const g of grad) expect(Number.isFinite(g)).toBe(true);
  });
});
