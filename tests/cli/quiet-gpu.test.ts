/**
 * Issue 14 item 7: on a machine without a GPU, `nutmeg fit` and `nutmeg devices` put only nutmeg's own lines on
 * stderr. Run as real processes, because Dawn and the drivers write to file descriptor 2 from C++, past any
 * process.stderr patch. (Where no Vulkan loader is installed, `auto` does not probe at all; the CI-like case that
 * printed ~28 lines is a Vulkan loader without a GPU.)
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const mainUrl = pathToFileURL(fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))).href;

function nutmeg(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const code = `const { main } = await import(${JSON.stringify(mainUrl)}); process.exitCode = await main(['node', 'nutmeg', ...process.argv.slice(1)]);`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, '--input-type=module', '-e', code, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Lines nutmeg itself writes on stderr during a fit. */
const OWN_LINE = /^(data: |model: |backend: |iteration \d|bernoulli model|binomial model|prior |default priors |\d+ chains? × |warning: |[\w]+__[\w]+: |$)/;
/** Driver output (Dawn, the Vulkan loader, XDG); nutmeg's own `backend: …` line may name the Vulkan loader it looked for. */
const DRIVER_NOISE = /vulkan|xdg|\.cpp|dawn/i;
const isDriverNoise = (line: string): boolean => !line.startsWith('backend: ') && DRIVER_NOISE.test(line);

describe('quiet GPU probing', () => {
  it('nutmeg fit (auto backend) writes only its own lines on stderr', async () => {
    // 17,000 rows × 4 chains is above the small-call limit (src/backend/work-size.ts), so `auto` probes where it can
    const r = await nutmeg(['fit', '--rows', '17000', '--model', 'pooled', '--chains', '4', '--warmup', '20', '--draws', '20']);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines.filter(isDriverNoise)).toEqual([]);
    expect(lines.filter((l) => !OWN_LINE.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('backend: '))).toHaveLength(1);
  }, 120_000);

  it('nutmeg fit --quiet prints nothing but warnings', async () => {
    const r = await nutmeg(['fit', '--rows', '300', '--model', 'pooled', '--chains', '1', '--warmup', '20', '--draws', '20', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '))).toEqual([]);
  }, 120_000);

  it('nutmeg devices writes nothing on stderr', async () => {
    const r = await nutmeg(['devices']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(DRIVER_NOISE);
  }, 120_000);
});
