/**
 * `nutmeg score` reads the model's columns as the fit read them: a grouping column fitted with --factor (zip codes
 * written "007", "010") used to be read back as numbers when scoring, so 3 of its 4 levels ("7", "10", "42") were
 * levels the model had never seen and their rows were scored with the group effect at 0, with only a note — found
 * probing issue 16 (session 13). The reference: scoring the fit's own rows with --factor given again, which reads
 * the levels as the fit did.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-score-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nutmeg score with a run fitted with --factor', () => {
  it('reads the grouping column as text, as the fit did, unless a flag says otherwise', async () => {
    const zips = ['007', '010', '123', '042'];
    const lines = ['y,x,zip'];
    for (let i = 0; i < 80; i++) lines.push(`${(i * 7) % 3 === 0 ? 1 : 0},${((i % 9) - 4) / 4},${zips[i % 4]}`);
    const data = join(dir, 'zip.csv');
    writeFileSync(data, lines.join('\n') + '\n');
    const run = join(dir, 'run');
    const fit = await runNutmeg(['fit', '--data', data, '--formula', 'y ~ x + (1 | zip)', '--factor', 'zip', '--backend', 'reference', '--chains', '1', '--warmup', '30', '--draws', '20', '--quiet', '--out', run]);
    expect(fit.code).toBe(0);
    const scored = (name: string) => readFileSync(join(dir, name), 'utf8');
    const remembered = await runNutmeg(['score', run, '--data', data, '--out', join(dir, 'a.csv')]);
    const stated = await runNutmeg(['score', run, '--data', data, '--factor', 'zip', '--out', join(dir, 'b.csv')]);
    expect([remembered.code, stated.code]).toEqual([0, 0]);
    expect(remembered.err).not.toMatch(/has not seen/);
    expect(scored('a.csv')).toBe(scored('b.csv'));
    // --numeric given at scoring wins: the levels are then numbers the model has not seen (its note says so)
    const numeric = await runNutmeg(['score', run, '--data', data, '--numeric', 'zip']);
    expect(numeric.code).toBe(0);
    expect(numeric.err).toMatch(/60 rows have a zip level the model has not seen/);
  });
});
