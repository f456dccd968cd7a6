// log C(n, k) and log m!. References: exact factorials (10! = 3628800, 20! = 2432902008176640000), exact binomial
// coefficients computed with BigInt (C(300, 150), C(300, 3), C(1000, 999)), and direct summation of logs.
import { describe, expect, it } from 'vitest';
import { logChoose, logFactorial } from '../../src/model/log-choose.js';

function exactLogChoose(n: number, k: number): number {
  let c = 1n;
  for (let j = 1; j <= k; j++) c = (c * BigInt(n - k + j)) / BigInt(j);
  // log of a big integer: split into a leading mantissa and a power of ten
  const s = c.toString();
  const lead = Number(s.slice(0, 17));
  return Math.log(lead) + (s.length - 17) * Math.LN10;
}

describe('logFactorial', () => {
  it('matches exact factorials', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(1)).toBe(0);
    expect(logFactorial(10)).toBeCloseTo(Math.log(3628800), 13);
    expect(logFactorial(20)).toBeCloseTo(Math.log(2432902008176640000), 12);
  });
  it('table and Stirling series agree across the switch at 256', () => {
    for (const m of [255, 256, 257, 1000]) {
      let sum = 0;
      for (let j = 2; j <= m; j++) sum += Math.log(j);
      expect(Math.abs(logFactorial(m) - sum) / sum).toBeLessThan(1e-14);
    }
  });
});

describe('logChoose', () => {
  it('matches exact binomial coefficients', () => {
    const n = Float64Array.of(5, 300, 300, 1000, 7);
    const k = Float64Array.of(2, 150, 3, 999, 0);
    const got = logChoose(n, k);
    expect(got[0]).toBeCloseTo(Math.log(10), 14);
    for (let i = 1; i < 4; i++) {
      const want = exactLogChoose(n[i], k[i]);
      expect(Math.abs(got[i] - want) / want).toBeLessThan(1e-13);
    }
    expect(got[4]).toBe(0);
  });
});
