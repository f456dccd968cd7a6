/**
 * Progress reporting: plain lines every tenth of the run off a terminal, an in-place table on one, nothing when quiet;
 * and the runner feeding it once per iteration.
 */
import { describe, expect, it } from 'vitest';
import { formatDuration, progressReporter } from '../../src/report/sampling-progress.js';
import type { SamplerProgress } from '../../src/sampler/progress.js';
import { sample } from '../../src/sampler/run.js';
import { GaussianTarget } from '../sampler/helpers/targets.js';

function sink(isTTY: boolean): { text: string[]; write: (s: string) => void; isTTY: boolean } {
  const text: string[] = [];
  return { text, write: (s: string) => void text.push(s), isTTY };
}

async function run(onProgress: (p: SamplerProgress) => void, chains = 3): Promise<void> {
  await sample(GaussianTarget.standard(2), { chains, warmup: 40, draws: 60, seed: 1, onProgress });
}

describe('progress', () => {
  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 61)).toBe('3h01m');
    expect(formatDuration(Infinity)).toBe('?');
  });

  it('writes a plain line at the start and at every tenth of the run when not on a terminal', async () => {
    const out = sink(false);
    const reporter = progressReporter({ stream: out });
    await run(reporter.onProgress);
    reporter.finish();
    expect(out.text.length).toBe(11);
    expect(out.text[0]).toMatch(/^iteration 1\/100 /);
    expect(out.text[1]).toMatch(/^iteration 10\/100 \(10%, warm-up\), 3 chains, \d+ divergent, step size [\d.]+-[\d.]+, [\d.]+ gradients\/draw/);
    expect(out.text[10]).toMatch(/^iteration 100\/100 \(100%, sampling\)/);
    expect(out.text.every((l) => !l.includes('\x1b'))).toBe(true);
  });

  it('off a terminal, also writes a line once a minute within one tenth of a long run', () => {
    const out = sink(false);
    const reporter = progressReporter({ stream: out });
    const at = (iteration: number, elapsedSeconds: number): SamplerProgress => ({
      phase: 'warmup',
      iteration,
      totalIterations: 2000,
      warmup: 1000,
      nChains: 1,
      stepSize: Float64Array.of(0.5),
      divergences: new Int32Array(1),
      warmupDivergences: new Int32Array(1),
      gradients: Float64Array.of(7 * iteration),
      warmupIterations: new Int32Array(1),
      transitions: Int32Array.of(iteration),
      treeDepth: Int32Array.of(3),
      elapsedSeconds,
    });
    // iterations 1-150 lie in the first tenth (0-199); lines at 0 s, then at 61 s and 125 s, not at 30 s or 90 s
    const steps: [number, number][] = [[1, 0], [50, 30], [100, 61], [120, 90], [150, 125]];
    for (const [iteration, seconds] of steps) reporter.onProgress(at(iteration, seconds));
    expect(out.text.map((l) => l.match(/^iteration (\d+)\//)?.[1])).toEqual(['1', '100', '150']);
    expect(out.text[1]).toMatch(/elapsed 1m01s/);
  });

  it('redraws a per-chain table in place on a terminal, summarising chains beyond maxRows', async () => {
    const out = sink(true);
    const reporter = progressReporter({ stream: out, redrawMs: 0, maxRows: 2 });
    await run(reporter.onProgress, 5);
    reporter.finish();
    expect(out.text.length).toBe(100);
    expect(out.text[0].startsWith('chain  iteration')).toBe(true);
    // each later frame moves the cursor up over the previous one (header + 2 chains + summary + elapsed = 5 lines)
    expect(out.text[1].startsWith('\x1b[5F\x1b[J')).toBe(true);
    const last = out.text[99].split('\n');
    expect(last[1]).toMatch(/^\s+1\s+100\/100\s+sampling\s+0\s+[\d.]+\s+[\d.]+\s+\d+$/);
    expect(last[3]).toMatch(/^\s+\+3\s+100\/100/);
    expect(last[4]).toMatch(/^warm-up \d+(-\d+)? iterations, elapsed \d+s, ETA 0s$/);
  });

  it('prints nothing when quiet', async () => {
    const out = sink(true);
    const reporter = progressReporter({ stream: out, quiet: true });
    await run(reporter.onProgress);
    reporter.finish();
    expect(out.text).toEqual([]);
  });

  it('says sampling once every chain\'s warm-up has ended early, and skips no-transition lines (no 0.00 gradients/draw)', async () => {
    // the Fisher warm-up of a standard normal settles after a few hundred of its 1000 iterations
    const out = sink(false);
    const reporter = progressReporter({ stream: out });
    const seen: { iteration: number; phase: string; ended: boolean; transitions: number }[] = [];
    const r = await sample(GaussianTarget.standard(2), {
      chains: 2,
      warmup: 1000,
      draws: 200,
      seed: 3,
      onProgress: (p) => {
        reporter.onProgress(p);
        seen.push({ iteration: p.iteration, phase: p.phase, ended: p.warmupIterations.every((w) => w > 0), transitions: p.transitions[0] + p.transitions[1] });
      },
    });
    reporter.finish();
    const longest = Math.max(...r.warmupIterations);
    expect(longest).toBeLessThan(1000);
    for (const s of seen) expect(s.phase).toBe(s.ended ? 'sampling' : 'warmup');
    // the iterations skipped after the last chain's early end are reported at once, with no transition between them
    const skipped = seen.filter((s) => s.iteration > longest && s.iteration <= 1000);
    expect(skipped.length).toBe(1000 - longest);
    expect(new Set(skipped.map((s) => s.transitions)).size).toBe(1);
    // transitions: warm-up used plus draws, per chain
    expect(seen[seen.length - 1].transitions).toBe(r.warmupIterations[0] + r.warmupIterations[1] + 2 * 200);
    const lines = out.text.join('');
    expect(lines).not.toMatch(/ 0\.00 gradients\/draw/);
    expect(lines).not.toMatch(/\((6|7|8|9|10|11)\d%, warm-up\)/);
    expect(lines).toMatch(/\(\d+%, sampling\), 2 chains, 0 divergent, step size [\d.]+-[\d.]+, [1-9][\d.]* gradients\/draw, warm-up \d+(-\d+)? iterations/);
  });
});
