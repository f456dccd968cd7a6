/**
 * Classifier scores against references computed independently: ROC-AUC against brute-force counting of every
 * (positive, negative) pair (ties count ½, the definition of the Mann–Whitney statistic), log loss and Brier score
 * against their defining sums worked by hand, calibration deciles against direct grouping.
 */
import { describe, expect, it } from 'vitest';
import { brierScore, calibrationTable, logLoss, rocAuc } from '../../src/decision/metrics.js';
import { Rng } from '../../src/rng.js';

function bruteForceAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe('rocAuc', () => {
  it('equals brute-force pair counting, with many ties', () => {
    const rng = new Rng(5);
    const n = 700;
    const p = Float64Array.from({ length: n }, () => Math.round(rng.uniform() * 20) / 20);
    const y = Float64Array.from(p, (q) => rng.bernoulli(0.2 + 0.6 * q));
    expect(rocAuc(y, p)).toBeCloseTo(bruteForceAuc(y, p), 12);
  });

  it('is 1 for perfect ranking, 0 for reversed, ½ for constant predictions, NaN with one class', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });
});

describe('logLoss and brierScore', () => {
  it('match the defining sums on a worked example', () => {
    const y = [1, 0, 1, 0];
    const p = [0.9, 0.2, 0.4, 0.5];
    // −(ln 0.9 + ln 0.8 + ln 0.4 + ln 0.5)/4
    expect(logLoss(y, p)).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.5)) / 4, 14);
    // (0.01 + 0.04 + 0.36 + 0.25)/4
    expect(brierScore(y, p)).toBeCloseTo(0.165, 14);
  });

  it('clips probabilities of 0 and 1 so the loss stays finite', () => {
    expect(Number.isFinite(logLoss([1, 0], [0, 1]))).toBe(true);
    expect(logLoss([1, 0], [0, 1])).toBeCloseTo(-Math.log(1e-15), 2);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => logLoss([1], [0.5, 0.5])).toThrow(/1 outcomes but 2 predictions/);
  });
});

describe('calibrationTable', () => {
  it('groups sorted predictions into equal-size bins with their means', () => {
    const p = Float64Array.from({ length: 100 }, (_, i) => (99 - i) / 100); // given in reverse order
    const y = Float64Array.from(p, (q) => (q >= 0.5 ? 1 : 0));
    const bins = calibrationTable(y, p, 10);
    expect(bins).toHaveLength(10);
    bins.forEach((b, k) => {
      expect(b.n).toBe(10);
      expect(b.minPredicted).toBeCloseTo(k / 10, 12);
      expect(b.maxPredicted).toBeCloseTo(k / 10 + 0.09, 12);
      expect(b.meanPredicted).toBeCloseTo(k / 10 + 0.045, 12);
      expect(b.observedRate).toBe(k >= 5 ? 1 : 0);
    });
  });

  it('drops empty bins when there are fewer rows than bins', () => {
    expect(calibrationTable([0, 1, 1], [0.1, 0.2, 0.3], 10).map((b) => b.n)).toEqual([1, 1, 1]);
  });
});
