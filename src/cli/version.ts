import { readFileSync } from 'node:fs';

/** The package's version, read from package.json beside src/ or dist/. */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
