/**
 * Issue 14 item 6: every count and seed flag has a documented range, and text outside it — or not a plain decimal
 * whole number — is one line naming the flag, the range and the text, exit 2, before any work is done.
 */
import { describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';
import { availableMemory } from '../../src/fit/memory-estimate.js';

const TINY = ['--rows', '300', '--model', 'pooled', '--chains', '1', '--warmup', '30', '--draws', '20', '--backend', 'reference'];

describe('flag ranges', () => {
  const cases: Array<[string[], string]> = [
    [['--seed', '1e20'], '--seed must be a whole number from 0 to 9007199254740991 (2^53−1), in decimal digits; got "1e20"'],
    [['--seed', '-1'], '--seed must be a whole number from 0 to 9007199254740991 (2^53−1), in decimal digits; got "-1"'],
    [['--seed', '1.5'], '--seed must be a whole number from 0 to 9007199254740991 (2^53−1), in decimal digits; got "1.5"'],
    [['--seed', 'abc'], '--seed must be a whole number from 0 to 9007199254740991 (2^53−1), in decimal digits; got "abc"'],
    [['--seed', '0x10'], '--seed must be a whole number from 0 to 9007199254740991 (2^53−1), in decimal digits; got "0x10"'],
    [['--seed', '9007199254740992'], '--seed must be a whole number from 0 to 9007199254740991 (2^53−1), in decimal digits; got "9007199254740992"'],
    [['--chains', '0'], '--chains must be a whole number from 1 to 4,096, in decimal digits; got "0"'],
    [['--chains', '4097'], '--chains must be a whole number from 1 to 4,096, in decimal digits; got "4097"'],
    [['--draws', '1e3'], '--draws must be a whole number from 1 to 1,000,000, in decimal digits; got "1e3"'],
    [['--draws', ''], '--draws must be a whole number from 1 to 1,000,000, in decimal digits; got ""'],
    [['--draws', ' 10'], '--draws must be a whole number from 1 to 1,000,000, in decimal digits; got " 10"'],
    [['--draws', '1000001'], '--draws must be a whole number from 1 to 1,000,000, in decimal digits; got "1000001"'],
    [['--warmup', 'Infinity'], '--warmup must be a whole number from 0 to 1,000,000, in decimal digits; got "Infinity"'],
    [['--warmup', 'NaN'], '--warmup must be a whole number from 0 to 1,000,000, in decimal digits; got "NaN"'],
    [['--draws', '10', '--thin', '11'], '--thin must be a whole number from 1 to 10, in decimal digits; got "11"'],
    [['--thin', '0'], '--thin must be a whole number from 1 to 1,000, in decimal digits; got "0"'],
    [['--threads', '0'], '--threads must be a whole number from 1 to 256, in decimal digits; got "0"'],
    [['--threads', '257'], '--threads must be a whole number from 1 to 256, in decimal digits; got "257"'],
    [['--max-treedepth', '21'], '--max-treedepth must be a whole number from 1 to 20, in decimal digits; got "21"'],
  ];
  it.each(cases)('nutmeg fit %j: one line naming flag, range and value', async (args, message) => {
    const r = await runNutmeg(['fit', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`nutmeg: ${message}\n`);
  });

  it('abtest --draws and --seed, compare --seed, loo --threads have ranges too', async () => {
    const ab = await runNutmeg(['abtest', '--data', 'sim:hillstrom', '--arm', 'segment', '--outcome', 'visit', '--draws', '99']);
    expect(ab.err).toBe('nutmeg: --draws must be a whole number from 100 to 10,000,000, in decimal digits; got "99"\n');
    const abSeed = await runNutmeg(['abtest', '--data', 'sim:hillstrom', '--arm', 'segment', '--outcome', 'visit', '--seed', '1e3']);
    expect(abSeed.err).toContain('--seed must be a whole number from 0 to 9007199254740991');
    const cmp = await runNutmeg(['compare', '--loglik', 'a.csv', 'b.csv', '--seed', '-3']);
    expect(cmp).toMatchObject({ code: 2, err: 'nutmeg: --seed must be a whole number from 0 to 9007199254740991 (2^53−1), in decimal digits; got "-3"\n' });
    const loo = await runNutmeg(['loo', '--loglik', 'a.csv', '--threads', '1000']);
    expect(loo).toMatchObject({ code: 2, err: 'nutmeg: --threads must be a whole number from 1 to 256, in decimal digits; got "1000"\n' });
  });

  it('accepts the edges: --seed 2^53−1 and leading zeros', async () => {
    const r = await runNutmeg(['fit', ...TINY, '--seed', '9007199254740991', '--thin', '004', '--quiet']);
    expect(r.code).toBe(0);
  });

  it('documents the ranges in --help', async () => {
    const r = await runNutmeg(['fit', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('(1 to 4,096)');
    expect(r.out).toContain('(0 to 2^53−1)');
    expect(r.out).toContain('(1 to 1,000,000)');
  });
});

describe('memory estimate before a run', () => {
  it('refuses a run whose draws cannot fit, with the estimate, before sampling', async () => {
    const t = performance.now();
    const r = await runNutmeg(['fit', ...TINY.slice(0, 4), '--chains', '4096', '--draws', '1000000', '--warmup', '0', '--backend', 'reference', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^nutmeg: the draws would need ~[\d.]+ [GM]B of memory in one array: 4,096 chains × 1,000,000 kept draws × \d+ parameters/);
    expect(r.err.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(performance.now() - t).toBeLessThan(20_000);
  });

  // 512 chains × 10^6 draws of the pooled model: ~115 GB of draws (3.6e9 values, under the array limit)
  it.skipIf(availableMemory() > 140e9)('refuses a run that would need more memory than the machine has', async () => {
    const r = await runNutmeg(['fit', ...TINY.slice(0, 4), '--chains', '512', '--draws', '1000000', '--warmup', '0', '--backend', 'reference', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^nutmeg: this run would need ~\d+ GB of memory \(draws ~\d+ GB for 512 chains × 1,000,000 kept draws × \d+ parameters; .*this machine has [\d.]+ GB; lower --draws/);
  });
});

describe('settings warnings in nutmeg fit', () => {
  it('warns when --thin keeps fewer than 4 draws and when --threads exceeds the cores', async () => {
    const r = await runNutmeg(['fit', ...TINY, '--draws', '10', '--thin', '4', '--threads', '100000'.slice(0, 3), '--quiet']);
    expect(r.code).toBe(0);
    const lines = r.err.split('\n').filter((l) => l.startsWith('warning: --'));
    expect(lines).toEqual([
      'warning: --thin 4 keeps 3 of 10 draws per chain (fewer than 4): R-hat and ESS cannot be estimated; raise --draws or lower --thin',
      expect.stringMatching(/^warning: --threads 100 is more than this machine's \d+ cores/),
    ]);
  });
});
