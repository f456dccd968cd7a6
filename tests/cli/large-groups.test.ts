/**
 * A grouping factor with tens of thousands of levels through `nutmeg fit` end to end: the run is written to --out and
 * the summary prints. 65,000 levels make a 130,000-row summary (r_ and z_ per level), past the ~125,000 call
 * arguments at which Math.max(...column) overflowed the stack (RangeError before the fix; ~10-30 s here); the
 * 200,000-row table is rendered directly in tests/report/table-large.test.ts. --vars asks for every per-level row
 * (without it the table shows only the extreme ones, tests/cli/save-effects.test.ts) and --save-effects all keeps
 * their draws (the default above 10,000 values per draw keeps their summaries). The term is forced non-centered, so that
 * its z_ draws exist whatever the data rule picks for these outcome-free levels.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { main } from '../../src/cli/main.js';

afterEach(() => vi.restoreAllMocks());

describe('fit with a 65,000-level varying intercept', () => {
  it('writes --out and prints a summary row per level', async () => {
    const levels = 65_000;
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-levels-'));
    let text = 'y,x,g\n';
    for (let i = 0; i < 2 * levels; i++) text += `${(i * 7) % 10 < 3 ? 1 : 0},${(((i * 37) % 101) / 50 - 1).toFixed(2)},L${i % levels}\n`;
    writeFileSync(join(dir, 'data.csv'), text);
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const backend = loadNativeAddon() === null ? 'reference' : 'native';
    const args = ['--data', join(dir, 'data.csv'), '--formula', 'y ~ x + (1 | g)', '--chains', '1', '--warmup', '10', '--draws', '10'];
    const code = await main(['node', 'nutmeg', 'fit', ...args, '--max-treedepth', '2', '--param', 'g=noncentered', '--backend', backend, '--quiet', '--out', join(dir, 'run'), '--save-effects', 'all', '--vars', 'r_g__Intercept,z_g__Intercept']);
    expect(code).toBe(0);
    expect(readdirSync(join(dir, 'run')).sort()).toEqual(['chain-1.csv', 'fit.json']);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^variable +mean/);
    expect(lines.filter((l) => l.startsWith('r_g__Intercept[')).length).toBe(levels);
  }, 300_000);
});
