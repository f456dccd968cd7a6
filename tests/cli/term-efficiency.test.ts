/**
 * Per-term sampler efficiency through the CLI (issue 16 item 1): `nutmeg fit --out` stores it in fit.json
 * (termEfficiency) and prints one line per varying term; `nutmeg summary RUN_DIR` prints the same line. The figures
 * are checked against the summary of the saved draws (`nutmeg summary --json`) and the run's gradient count.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { RunMeta } from '../../src/io/run-meta.js';

afterEach(() => vi.restoreAllMocks());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  const code = await main(['node', 'nutmeg', ...args]);
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('per-term sampler efficiency', () => {
  it('fit.json and the fit and summary lines agree with the summary of the saved draws', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nutmeg-terms-')), 'run');
    const args = ['--rows', '600', '--model', 'hierarchical', '--chains', '2', '--warmup', '60', '--draws', '40', '--backend', 'reference', '--seed', '4'];
    const fit = await cli(['fit', ...args, '--out', dir]);
    expect(fit.code).toBe(0);
    const meta = JSON.parse(readFileSync(join(dir, 'fit.json'), 'utf8')) as RunMeta;
    expect(meta.termEfficiency).toHaveLength(1);
    const t = meta.termEfficiency![0];
    expect(t.term).toBe('history_segment__treatment');
    expect(t.levels).toBe(7);
    expect(t.parameterization).toBe(meta.parameterization['history_segment__treatment']);

    const summary = await cli(['summary', dir, '--json']);
    expect(summary.code).toBe(0);
    const rows = JSON.parse(summary.out) as { variable: string; ess_bulk: number; rhat: number }[];
    const own = rows.filter((r) => r.variable === 'sd_history_segment__treatment' || r.variable.startsWith('r_history_segment__treatment'));
    expect(own).toHaveLength(8);
    const min = own.reduce((m, r) => (r.ess_bulk < m.ess_bulk ? r : m));
    expect(t.minEssBulk).toBeCloseTo(min.ess_bulk, 6);
    expect(t.minEssVariable).toBe(min.variable.replace(/\.(\d+)$/, '[$1]'));
    expect(t.sdEssBulk).toBeCloseTo(own.find((r) => r.variable.startsWith('sd_'))!.ess_bulk, 6);
    expect(t.maxRhat).toBeCloseTo(Math.max(...own.map((r) => r.rhat)), 6);
    expect(t.essPer1000Gradients).toBeCloseTo((1000 * min.ess_bulk) / meta.gradients.total, 9);

    const line = fit.err.split('\n').find((l) => l.startsWith('term '));
    expect(line).toMatch(/^term history_segment__treatment \((noncentered|split|centered), 7 levels\): min bulk-ESS [\d,]+ \(\S+\), sd [\d,]+; [\d.]+ per 1,000 gradients; max R-hat \d\.\d{3}$/);
    const table = await cli(['summary', dir]);
    expect(table.code).toBe(0);
    expect(table.err.split('\n')).toContain(line);
  }, 120_000);
});
