/**
 * The separation analysis of DESIGN.md end to end through the CLI: `nutmeg fit --out` for the by-city and the
 * by-lead-source models on simulated sessions where 7 of 10 cities never convert, then `nutmeg loo RUN_DIR` and
 * `nutmeg compare RUN_DIR…` with stacking weights. The by-city model must out-rank the by-source one (reference: the
 * simulator's truth — city, not source, carries the signal). Small data and short chains on the reference backend
 * keep it a unit test.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SEPARATION_FORMULAS } from '../../src/data/simulate/separation.js';

afterEach(() => vi.restoreAllMocks());

describe('separation analysis', () => {
  it('nutmeg compare ranks by-city above by-source, with the stacking weight on the city model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-separation-'));
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    for (const name of ['city', 'source'] as const) {
      const args = ['--data', 'sim:separation', '--rows', '800', '--formula', SEPARATION_FORMULAS[name]];
      const settings = ['--chains', '2', '--warmup', '200', '--draws', '200', '--seed', '7', '--backend', 'reference'];
      expect(await main(['node', 'nutmeg', 'fit', ...args, ...settings, '--quiet', '--out', join(dir, name)])).toBe(0);
    }
    out = '';
    expect(await main(['node', 'nutmeg', 'loo', join(dir, 'city'), '--backend', 'reference', '--json'])).toBe(0);
    const loo = JSON.parse(out);
    expect(loo.n_obs).toBe(800);
    expect(loo.n_draws).toBe(400);
    out = '';
    const dirs = [join(dir, 'source'), join(dir, 'city')];
    expect(await main(['node', 'nutmeg', 'compare', ...dirs, '--backend', 'reference', '--json'])).toBe(0);
    type Row = { model: string; elpd_loo: number; elpd_diff: number; se_diff: number; weight: number };
    const rows = (JSON.parse(out) as { models: Row[] }).models;
    expect(rows.map((r) => r.model)).toEqual(['city', 'source']);
    expect(rows[0].elpd_loo).toBeCloseTo(loo.elpd_loo, 10);
    expect(rows[1].elpd_diff).toBeLessThan(-2 * rows[1].se_diff);
    expect(rows[0].weight).toBeGreaterThan(0.9);
    out = '';
    expect(await main(['node', 'nutmeg', 'compare', ...dirs, '--backend', 'reference'])).toBe(0);
    expect(out).toMatch(/^model\s+elpd_loo\s+se_elpd_loo\s+elpd_diff\s+se_diff\s+p_loo\s+weight\ncity\s/);
    expect(out).toMatch(/weights: stacking/);
  });
});
