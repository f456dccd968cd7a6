/**
 * `nutmeg abtest` and `nutmeg analyze` through main(): output shapes, exit codes and one-line errors. Counts of the
 * small CSV are made by hand; the statistics themselves are tested in tests/decision.
 */
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-analyze-'));
const csv = join(dir, 'ab.csv');
writeFileSync(csv, 'arm,clicked\nA,1\nA,0\nA,0\nB,1\nB,1\nB,0\nctrl,0\nctrl,0\nctrl,1\nctrl,0\n');

describe('nutmeg abtest', () => {
  it('prints a JSON result with the arms in order', async () => {
    const io = captureOutput();
    expect(await main(['node', 'nutmeg', 'abtest', '--data', csv, '--arm', 'arm', '--outcome', 'clicked', '--control', 'ctrl', '--draws', '2000', '--json'])).toBe(0);
    const r = JSON.parse(io.out()) as { control: string; arms: { arm: string; n: number; successes: number; probBest: number }[] };
    expect(r.control).toBe('ctrl');
    expect(r.arms.map((a) => [a.arm, a.n, a.successes])).toEqual([
      ['A', 3, 1],
      ['B', 3, 2],
      ['ctrl', 4, 1],
    ]);
    expect(r.arms.reduce((s, a) => s + a.probBest, 0)).toBeCloseTo(1, 12);
  });

  it('exits 2 with a one-line message for a missing column or an unknown control', async () => {
    let io = captureOutput();
    expect(await main(['node', 'nutmeg', 'abtest', '--data', csv, '--arm', 'group', '--outcome', 'clicked'])).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --arm group: .* has no column "group"/);
    vi.restoreAllMocks();
    io = captureOutput();
    expect(await main(['node', 'nutmeg', 'abtest', '--data', csv, '--arm', 'arm', '--outcome', 'clicked', '--control', 'Z'])).toBe(2);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toMatch(/control arm "Z" is not one of the arms/);
  });
});

describe('nutmeg analyze hillstrom', () => {
  it('refuses half of the expected-value rule and crossed thresholds with exit 2', async () => {
    let io = captureOutput();
    expect(await main(['node', 'nutmeg', 'analyze', 'hillstrom', '--value-per-conversion', '50'])).toBe(2);
    expect(io.err()).toMatch(/the expected-value rule needs --cost-per-contact as well as --value-per-conversion/);
    vi.restoreAllMocks();
    io = captureOutput();
    expect(await main(['node', 'nutmeg', 'analyze', 'hillstrom', '--cost-per-contact', '-1', '--rows', '500'])).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --cost-per-contact -1 must be a number ≥ 0/);
    vi.restoreAllMocks();
    io = captureOutput();
    expect(await main(['node', 'nutmeg', 'analyze', 'hillstrom', '--target-prob', '0.6', '--test-prob', '0.8', '--rows', '500'])).toBe(2);
    expect(io.err()).toMatch(/--test-prob 0.8 is above --target-prob 0.6/);
  });

  it('--json on simulated rows prints the analysis; --out keeps both fits, analysis.json and report.html', async () => {
    const out = join(dir, 'run');
    const io = captureOutput();
    const backend = loadNativeAddon() ? 'native' : 'reference';
    const code = await main(['node', 'nutmeg', 'analyze', 'hillstrom', '--rows', '1500', '--chains', '1', '--warmup', '100', '--draws', '100', '--backend', backend, '--json', '--quiet', '--out', out, '--cost-per-contact', '0.5']);
    expect(code).toBe(0);
    const json = JSON.parse(io.out()) as {
      data: { description: string };
      segments: { action: string }[];
      revenue: { cost_per_contact: number; chosen_family: string; segments: { expected_net_per_contact: number; revenue_uplift: { mean: number } }[] };
    };
    expect(json.data.description).toMatch(/simulated Hillstrom data .*no --data given/);
    expect(json.segments).toHaveLength(7);
    expect(json.revenue.cost_per_contact).toBe(0.5);
    expect(['lognormal', 'gamma']).toContain(json.revenue.chosen_family);
    for (const s of json.revenue.segments) expect(s.expected_net_per_contact).toBeCloseTo(s.revenue_uplift.mean - 0.5, 12);
    for (const f of ['pooled/fit.json', 'hierarchical/fit.json', 'spend-lognormal/fit.json', 'spend-gamma/fit.json', 'analysis.json', 'report.html']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page).toContain('Decision table');
    expect(page).toContain('Revenue decision table');
    expect(page).toContain('Spend model: lognormal vs gamma');
    // the same page in each run directory, for nutmeg serve's GET /report, and at --report's path when given
    expect(readFileSync(join(out, 'pooled', 'report.html'), 'utf8')).toBe(page);
    expect(readFileSync(join(out, 'hierarchical', 'report.html'), 'utf8')).toBe(page);
  }, 600_000);

  it('--report FILE writes the page alone; a --report folder that does not exist is refused before fitting', async () => {
    const file = join(dir, 'alone.html');
    let io = captureOutput();
    const backend = loadNativeAddon() ? 'native' : 'reference';
    expect(await main(['node', 'nutmeg', 'analyze', 'hillstrom', '--rows', '1500', '--chains', '1', '--warmup', '100', '--draws', '100', '--backend', backend, '--quiet', '--report', file])).toBe(0);
    const page = readFileSync(file, 'utf8');
    for (const title of ['Calibration of the hierarchical model', 'PSIS-LOO: pooled vs hierarchical', 'Decision table']) expect(page).toContain(title);
    expect(io.out()).toContain('stacking_weight');
    vi.restoreAllMocks();
    io = captureOutput();
    const started = Date.now();
    expect(await main(['node', 'nutmeg', 'analyze', 'hillstrom', '--report', join(dir, 'no-such-folder', 'r.html')])).toBe(2);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toMatch(/^nutmeg: --report .*no-such-folder.* does not exist/);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 600_000);
});
