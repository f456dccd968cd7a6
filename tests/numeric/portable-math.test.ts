/**
 * src/numeric/portable-math.ts against the engine's Math (the reference: each function is within 1 ulp of its
 * Math twin over wide ranges of arguments) and against correctly rounded values from mpmath at 300 bits
 * (mpmath.power(4, -3/4) etc., printed with repr(float(...))); special values exactly as Math gives them.
 */
import { describe, expect, it } from 'vitest';
import * as pm from '../../src/numeric/portable-math.js';

/** Distance in units in the last place between two finite doubles of the same sign (0 when equal). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  const d = view.getBigInt64(0) - view.getBigInt64(8);
  return Number(d < 0n ? -d : d);
}

/** A reproducible stream in [0, 1) (a linear congruential generator, so the arguments do not depend on Math). */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const N = 100_000;
const SPECIAL = [0, -0, 1, -1, 0.5, 2, 22, -22, 709.7, 709.79, -745.1, -745.2, 5e-324, 1e-310, 1e300, Infinity, -Infinity, NaN];

const unary: [string, (x: number) => number, (x: number) => number, (u: () => number) => number][] = [
  ['exp', pm.exp, Math.exp, (u) => (u() - 0.5) * 1490],
  ['log', pm.log, Math.log, (u) => 10 ** (u() * 616 - 308)],
  ['log10', pm.log10, Math.log10, (u) => (u() < 0.1 ? 10 ** Math.floor(u() * 23) : 10 ** (u() * 616 - 308))],
  ['log1p', pm.log1p, Math.log1p, (u) => (u() < 0.5 ? u() * 2 - 1 : 10 ** (u() * 40 - 20))],
  ['expm1', pm.expm1, Math.expm1, (u) => (u() - 0.5) * 2 * 10 ** (u() * 6 - 4)],
  ['tanh', pm.tanh, Math.tanh, (u) => (u() - 0.5) * 2 * 10 ** (u() * 4 - 3)],
  ['atanh', pm.atanh, Math.atanh, (u) => u() * 2 - 1],
  ['sin', pm.sin, Math.sin, (u) => (u() - 0.5) * 2 * 10 ** (u() * 12 - 6)],
  ['cos', pm.cos, Math.cos, (u) => (u() - 0.5) * 2 * 10 ** (u() * 12 - 6)],
];

describe('portable-math', () => {
  for (const [name, mine, engine, argument] of unary) {
    it(`${name} is within 1 ulp of Math.${name} on ${N.toLocaleString()} arguments and equals it on special values`, () => {
      const u = uniforms(name.length * 7919);
      let worst = 0;
      let exact = 0;
      for (let i = 0; i < N; i++) {
        const x = argument(u);
        const d = ulps(mine(x), engine(x));
        worst = Math.max(worst, d);
        if (d === 0) exact++;
      }
      expect(worst, `${name}: largest difference from Math.${name}`).toBeLessThanOrEqual(1);
      // on Node 20 (V8 11.3, fdlibm) every value is Math's own
      console.info(`${name}: ${exact} of ${N} equal to Math.${name}'s bits`);
      for (const x of SPECIAL) {
        const ref = engine(x);
        expect(Object.is(mine(x), ref) || ulps(mine(x), ref) <= 1, `${name}(${x})`).toBe(true);
        if (!Number.isFinite(ref) || ref === 0) expect(mine(x)).toBe(ref);
      }
    });
  }

  it('pow is within 1 ulp of Math.pow and has its special cases', () => {
    const u = uniforms(17);
    let worst = 0;
    for (let i = 0; i < N; i++) {
      const x = i % 3 === 0 ? u() * 3 : 10 ** (u() * 20 - 10) * (i % 7 === 0 ? -1 : 1);
      const y = i % 5 === 0 ? Math.round(u() * 20 - 10) : i % 5 === 1 ? -0.75 : (u() - 0.5) * 40;
      const ref = Math.pow(x, y);
      if (!Number.isFinite(ref) || ref === 0 || Number.isNaN(ref)) expect(pm.pow(x, y)).toBe(ref);
      else worst = Math.max(worst, ulps(pm.pow(x, y), ref));
    }
    expect(worst).toBeLessThanOrEqual(1);
    const values = [0, -0, 1, -1, 2, -2, 0.5, Infinity, -Infinity, NaN, 5e-324, 1e308];
    const exponents = [0, -0, 1, -1, 2, 0.5, -0.5, 3, -3, 1e10, -1e10, Infinity, -Infinity, NaN, 1075, -1075];
    for (const x of values) for (const y of exponents) expect(pm.pow(x, y), `${x} ** ${y}`).toBe(Math.pow(x, y));
  });

  it('is within 1 ulp of correctly rounded values (mpmath, 300 bits)', () => {
    const cases: [number, number][] = [
      [pm.exp(1), 2.718281828459045],
      [pm.log(10), 2.302585092994046],
      [pm.log1p(1e-10), 9.9999999995e-11],
      [pm.expm1(1e-10), 1.00000000005e-10],
      [pm.tanh(0.5), 0.46211715726000974],
      [pm.atanh(0.5), 0.5493061443340549],
      [pm.pow(4, -0.75), 0.3535533905932738],
      [pm.sin(1), 0.8414709848078965],
      [pm.cos(1), 0.5403023058681398],
      [pm.sin(Math.PI), 1.2246467991473532e-16],
      [pm.cos(-Math.PI / 3), 0.5000000000000001],
      [pm.sin(1e5), 0.03574879797201651],
    ];
    for (const [mine, exact] of cases) expect(ulps(mine, exact), `${mine} against ${exact}`).toBeLessThanOrEqual(1);
    expect(pm.pow(2, 0.5)).toBe(Math.SQRT2);
    expect(pm.pow(10, 15)).toBe(1e15);
    for (let n = 0; n <= 22; n++) expect(pm.log10(10 ** n)).toBe(n);
  });
});
