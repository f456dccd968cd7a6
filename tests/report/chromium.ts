/**
 * Debian's chromium driven by playwright-core, for the report page tests: a fresh profile per launch, no network
 * services, no sandbox (CI containers run as root). `chromiumPath()` is null when the browser is not installed.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CANDIDATES = [process.env.NUTMEG_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string | null {
  return CANDIDATES.find((p): p is string => typeof p === 'string' && existsSync(p)) ?? null;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Runs `body` with a browser context on a fresh user-data dir, and cleans both up. */
export async function withChromium<T>(executablePath: string, body: (context: BrowserContext) => Promise<T>): Promise<T> {
  const profile = await mkdtemp(path.join(tmpdir(), 'nutmeg-chromium-'));
  // playwright passes --user-data-dir itself for a persistent context
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS });
  try {
    return await body(context);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
