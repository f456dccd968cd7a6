/**
 * saveRun (src/io/run-dir.ts) when the disk fails, and an interrupted run read back: a write that fails with ENOSPC
 * (injected into the writer) or a short write leaves the target as it was, keeps what was written marked incomplete
 * and says where in one line; `nutmeg summary` of an interrupted run says so in its first line and in --json.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { builtinDataset } from '../../src/data/datasets.js';
import { fitModel, type Fit } from '../../src/fit/fit.js';
import type { WriteFn } from '../../src/io/out-target.js';
import { loadRun, runMeta, saveRun, writeRun } from '../../src/io/run-dir.js';
import { userErrorOf } from '../helpers/user-error.js';
import { failFirstWrite } from '../helpers/failing-writes.js';

let fit: Fit;
let interrupted: Fit;
const scratch = (): string => mkdtempSync(join(tmpdir(), 'nutmeg-save-'));
const meta = (f: Fit) => runMeta(f, { source: 'sim:hillstrom', seed: 1, rows: 300 }, 'test');

beforeAll(async () => {
  const { frame } = builtinDataset('hillstrom', 1, 300);
  const options = { backend: 'reference' as const, chains: 2, warmup: 30, draws: 40, seed: 3 };
  fit = await fitModel(frame, 'conversion ~ treatment', options);
  // stopped by its signal after 30 warm-up + 12 sampling iterations, as Ctrl-C or SIGTERM stops a CLI fit
  const controller = new AbortController();
  interrupted = await fitModel(frame, 'conversion ~ treatment', {
    ...options,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.iteration === 42) controller.abort();
    },
  });
});
afterAll(async () => {
  await fit.dispose();
  await interrupted.dispose();
});

/** A write that stores `budget` bytes in all, then fails as a full disk does (ENOSPC); short writes on the way. */
function diskOf(budget: number): WriteFn {
  let left = budget;
  return (fd, buffer, offset, length) => {
    if (left <= 0) {
      const e = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
      e.code = 'ENOSPC';
      throw e;
    }
    const n = writeSync(fd, buffer, offset, Math.min(length, left, 4096));
    left -= n;
    return n;
  };
}

describe('saveRun', () => {
  it('writes atomically through short writes: the files read back equal to a plain write', () => {
    const dir = scratch();
    saveRun(join(dir, 'a'), fit, meta(fit), { write: diskOf(Infinity) });
    writeRun(join(dir, 'b'), fit, meta(fit));
    for (const f of ['chain-1.csv', 'chain-2.csv']) expect(readFileSync(join(dir, 'a', f), 'utf8')).toBe(readFileSync(join(dir, 'b', f), 'utf8'));
  });

  it('ENOSPC in the middle of chain 2: one-line error naming where the partial run is; the old run is untouched', () => {
    const parent = scratch();
    const run = join(parent, 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'fit.json'), 'the older run');
    const plain = join(scratch(), 'plain');
    mkdirSync(plain);
    writeRun(plain, fit, meta(fit));
    const size = readFileSync(join(plain, 'chain-1.csv')).length;
    const message = userErrorOf(() => saveRun(run, fit, meta(fit), { write: diskOf(size + 2000) }));
    expect(message).toMatch(new RegExp(`^--out ${run}: writing the run failed \\(ENOSPC: no space left on device\\); ${run} was left as it was`));
    // the disk stays full, so fit.json cannot be written either: the message says the files may be cut short
    const kept = /kept in (\S+) \(possibly cut short; fit\.json could not be written\)$/.exec(message)?.[1];
    expect(kept).toBeDefined();
    expect(readFileSync(join(run, 'fit.json'), 'utf8')).toBe('the older run');
    expect(readdirSync(kept!).sort()).toEqual(['chain-1.csv', 'chain-2.csv']);
    expect(readFileSync(join(kept!, 'chain-1.csv'), 'utf8')).toBe(readFileSync(join(plain, 'chain-1.csv'), 'utf8'));
    expect(readFileSync(join(kept!, 'chain-2.csv')).length).toBe(2000);
  });

  it('when fit.json still fits, the kept partial run is marked incomplete with the reason', () => {
    const run = join(scratch(), 'run');
    // chain 1's file fails at its first write; later writes (fit.json) succeed
    const failOnce = failFirstWrite();
    const message = userErrorOf(() => saveRun(run, fit, meta(fit), { write: failOnce }));
    const kept = /kept in (\S+) \(fit\.json marked incomplete\)$/.exec(message)?.[1];
    expect(kept).toBeDefined();
    const written = JSON.parse(readFileSync(join(kept!, 'fit.json'), 'utf8')) as { incomplete: boolean; writeError: string };
    expect(written.incomplete).toBe(true);
    expect(written.writeError).toBe('EIO: i/o error');
    expect(() => loadRun(kept!)).toThrow(/writing this run failed \(EIO: i\/o error\), so its files may be cut short/);
    expect(existsSync(run)).toBe(false);
  });
});

describe('nutmeg summary of an interrupted run', () => {
  it('says so on its first stderr line (files or the run directory) and marks every --json record', async () => {
    expect(interrupted.sample.incomplete).toBe(true);
    expect(interrupted.sample.samplingDone).toBe(12);
    const run = join(scratch(), 'run');
    saveRun(run, interrupted, meta(interrupted));
    expect(loadRun(run).meta.incomplete).toBe(true);
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
    try {
      expect(await main(['node', 'nutmeg', 'summary', join(run, 'chain-1.csv'), join(run, 'chain-2.csv')])).toBe(0);
      expect(err.split('\n')[0]).toBe(
        'warning: these draws are from an interrupted run (incomplete: 12 of 40 draws per chain); estimates and diagnostics describe only what was drawn',
      );
      expect(out).toMatch(/^variable /);
      err = '';
      out = '';
      expect(await main(['node', 'nutmeg', 'summary', run, '--json'])).toBe(0);
      expect(err.split('\n')[0]).toMatch(/^warning: these draws are from an interrupted run \(incomplete: 12 of 40/);
      const records = JSON.parse(out) as { variable: string; incomplete?: boolean }[];
      expect(records.map((r) => r.variable)).toEqual(['b_Intercept', 'b_treatment']);
      expect(records.every((r) => r.incomplete === true)).toBe(true);
      // a complete run: no such line, no such field
      const whole = join(scratch(), 'whole');
      saveRun(whole, fit, meta(fit));
      err = '';
      out = '';
      expect(await main(['node', 'nutmeg', 'summary', whole, '--json'])).toBe(0);
      expect(err).not.toContain('interrupted');
      expect(out).not.toContain('incomplete');
    } finally {
      vi.restoreAllMocks();
    }
  });
});
