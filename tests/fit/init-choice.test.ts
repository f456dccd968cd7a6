/**
 * `--init auto` (src/fit/init-choice.ts): Pathfinder for big data, Stan's random inits otherwise; and the
 * size of the Pathfinder run that makes the starts (src/fit/pathfinder-fit.ts initDrawsPerPath: at most 2²⁴ pooled
 * values, at least one draw per chain).
 */
import { describe, expect, it } from 'vitest';
import { AUTO_INIT_MAX_DIM, AUTO_INIT_MIN_ROWS, chooseInit } from '../../src/fit/init-choice.js';
import { initDrawsPerPath } from '../../src/fit/pathfinder-fit.js';

describe('chooseInit', () => {
  it('keeps random inits below the rows threshold (Hillstrom, sim:crossed, 10⁵ levels on 2·10⁵ rows)', () => {
    expect(chooseInit('auto', { n: 64_000, dim: 7 })).toEqual({ init: 'random', reason: null });
    expect(chooseInit('auto', { n: 200_000, dim: 20_003 })).toEqual({ init: 'random', reason: null });
    expect(chooseInit('auto', { n: AUTO_INIT_MIN_ROWS - 1, dim: 7 }).init).toBe('random');
  });

  it('starts from Pathfinder from 1,000,000 rows on, and says why', () => {
    const big = chooseInit('auto', { n: AUTO_INIT_MIN_ROWS, dim: 7 });
    expect(big.init).toBe('pathfinder');
    expect(big.reason).toBe("1,000,000 rows: random initial values would start far in the tails; --init random for Stan's");
  });

  it('keeps random inits for many parameters however many rows (10⁵ levels on 10⁶ rows: the Pathfinder start cost 867 s)', () => {
    expect(chooseInit('auto', { n: 1_000_000, dim: 100_003 })).toEqual({ init: 'random', reason: null });
    expect(chooseInit('auto', { n: 10_000_000, dim: AUTO_INIT_MAX_DIM + 1 }).init).toBe('random');
    expect(chooseInit('auto', { n: 10_000_000, dim: AUTO_INIT_MAX_DIM }).init).toBe('pathfinder');
  });

  it('starts a model with a non-centered term of 50+ levels from the data (levels) unless Pathfinder applies', () => {
    const levels = chooseInit('auto', { n: 1_000_000, dim: 100_003 }, true);
    expect(levels.init).toBe('levels');
    expect(levels.reason).toContain("the levels' crude sd");
    expect(chooseInit('auto', { n: 100_000, dim: 10_003 }, true).init).toBe('levels');
    expect(chooseInit('auto', { n: 10_000_000, dim: 103 }, true).init).toBe('pathfinder');
  });

  it('leaves an explicit choice alone', () => {
    for (const init of ['random', 'levels', 'map', 'pathfinder'] as const) expect(chooseInit(init, { n: 10_000_000, dim: 7 })).toEqual({ init, reason: null });
  });
});

describe('initDrawsPerPath', () => {
  it('is Pathfinder\'s 1,000 up to 4,194 parameters, then 2^24 / (4 paths × d), at least the chains', () => {
    expect(initDrawsPerPath(7, 4)).toBe(1000);
    expect(initDrawsPerPath(4_194, 4)).toBe(1000); // floor(16,777,216 / 16,776) = 1000
    expect(initDrawsPerPath(4_195, 4)).toBe(999);
    expect(initDrawsPerPath(100_003, 4)).toBe(41); // floor(16,777,216 / 400,012)
    expect(initDrawsPerPath(10_000_000, 4)).toBe(4);
    expect(initDrawsPerPath(10_000_000, 64)).toBe(64);
  });
});
