import { describe, expect, it } from 'vitest';
import { MAX_TYPED_ARRAY_LENGTH, availableMemory, checkRunMemory, estimateRunMemory } from '../../src/fit/memory-estimate.js';
import { UserError } from '../../src/errors.js';
import { lowRankWindowCapacity } from '../../src/sampler/adaptation/window-adaptation.js';
import { runSize } from '../../src/fit/fit.js';
import { buildModel } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import { cat, frame, num } from '../helpers/frames.js';

const size = { chains: 4, keptDraws: 1_000_000, dim: 1_200, constrainedDim: 1_200, rows: 64_000, columns: 8 };

describe('run memory estimate', () => {
  it('counts unconstrained + 2 × constrained + 7 stats per kept draw, the data copies and per-chain state', () => {
    const e = estimateRunMemory(size);
    expect(e.drawsBytes).toBe(4 * 1_000_000 * (1_200 + 2 * 1_200 + 7) * 8);
    expect(e.dataBytes).toBe((3 * 64_000 * 8 + 4 * 64_000) * 8);
    expect(e.stateBytes).toBe(4 * 16 * 1_200 * 8);
    expect(e.totalBytes).toBe(e.drawsBytes + e.dataBytes + e.stateBytes);
    expect(e.largestArray).toBe(4 * 1_000_000 * 1_200);
    // a dense metric adds dim² per chain (twice: the metric and its factor)
    expect(estimateRunMemory({ ...size, denseMetric: true }).stateBytes - e.stateBytes).toBe(4 * 2 * 1_200 * 1_200 * 8);
  });

  it("counts the low-rank metric's slow-window draws and gradients: Stan's 1000-iteration warm-up keeps 500 per chain", () => {
    // windows 25, 50, 100, 200 and the last stretched to 500 (Stan's schedule for 1000 iterations: 75 + … + 50)
    expect(lowRankWindowCapacity(1000)).toBe(500);
    expect(lowRankWindowCapacity(150)).toBe(25);
    const e = estimateRunMemory(size);
    const low = estimateRunMemory({ ...size, lowRankWindow: 500 });
    // per chain 2 × 500 × d (draws, gradients) + 10 × d (eigenvectors); once 2 × 500 × d (the estimate's copy)
    expect(low.stateBytes - e.stateBytes).toBe((4 * (2 * 500 + 10) * 1_200 + 2 * 500 * 1_200) * 8);
    // a 10⁵-parameter model: ~2 GB of window alone, so the check can refuse it on a small machine
    const wide = { ...size, keptDraws: 100, dim: 100_000, constrainedDim: 100_000 };
    expect(() => checkRunMemory(wide, 4e9)).not.toThrow();
    expect(() => checkRunMemory({ ...wide, lowRankWindow: 500 }, 4e9)).toThrow(
      /this machine has 4\.0 GB; --metric diag \(the low-rank metric keeps its warm-up window of draws and gradients\), or lower --draws/,
    );
  });

  it('refuses, with the estimate, a run over 80% of the memory available', () => {
    const small = { ...size, keptDraws: 1_000 }; // ~115 MB
    expect(() => checkRunMemory(small, 1e9)).not.toThrow();
    expect(() => checkRunMemory(small, 1e8)).toThrow(UserError);
    expect(() => checkRunMemory(small, 1e8)).toThrow(
      /^this run would need ~130 MB of memory \(draws ~115 MB for 4 chains × 1,000 kept draws × 1,200 parameters; data and buffers ~[\d.]+ MB for 64,000 rows\); this machine has 100 MB; lower --draws/,
    );
  });

  it("refuses before allocating a typed array longer than V8's limit", () => {
    const keptDraws = Math.ceil(MAX_TYPED_ARRAY_LENGTH / (4 * 1_200)) + 1;
    expect(() => checkRunMemory({ ...size, keptDraws }, 1e15)).toThrow(/in one array: 4 chains × [\d,]+ kept draws × 1,200 parameters/);
    expect(() => checkRunMemory({ ...size, keptDraws: keptDraws - 2 }, 1e15)).not.toThrow();
  });

  it("counts the per-level values a fit reads in place from the sampler's draws (levelsInPlace) once, not three times", () => {
    // y ~ x + (1 | g) with 10⁵ levels non-centered: z_ and r_ (2 × 10⁵ values a draw) read from the sampler's draws
    const levels = { ...size, keptDraws: 1_000, dim: 100_003, constrainedDim: 200_003, rows: 1_000_000, columns: 3 };
    const whole = estimateRunMemory(levels);
    const inPlace = estimateRunMemory({ ...levels, inPlace: 200_000 });
    expect(whole.drawsBytes).toBe(4 * 1_000 * (100_003 + 2 * 200_003 + 7) * 8);
    expect(inPlace.drawsBytes).toBe(4 * 1_000 * (100_003 + 2 * 3 + 7) * 8);
    // the largest array is then a chain's sampler draws, not the stored constrained ones
    expect(inPlace.largestArray).toBe(1_000 * 100_003);
    // a 16 GB machine: refused when every value is stored (16.0 GB), allowed in place (3.2 GB)
    expect(() => checkRunMemory(levels, 16e9)).toThrow(/this run would need ~16 GB/);
    expect(checkRunMemory({ ...levels, inPlace: 200_000 }, 16e9).totalBytes).toBeLessThan(4e9);
  });

  it("runSize counts as in place the independent terms' z_ and r_ values, not a correlated block's r_", () => {
    const fr = frame(
      num('y', Array.from({ length: 120 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0)),
      num('x', Array.from({ length: 120 }, (_, i) => ((i * 13) % 17) / 17)),
      cat('g', Array.from({ length: 120 }, (_, i) => `g${i % 30}`)),
      cat('h', Array.from({ length: 120 }, (_, i) => `h${i % 8}`)),
    );
    const { spec } = buildModel(fr, 'y ~ x + (1 | g) + (1 + x | h)');
    const names = constrainedNames(spec);
    const expected = names.filter((n) => /^[zr]_g__Intercept\[/.test(n)).length;
    expect(expected).toBeGreaterThanOrEqual(30);
    const counted = runSize(spec, 4, 100, false, undefined, true).inPlace;
    expect(counted).toBe(expected);
    expect(runSize(spec, 4, 100, false).inPlace).toBeUndefined();
  });

  it('knows the memory of this machine', () => {
    expect(availableMemory()).toBeGreaterThan(1e8);
  });
});
