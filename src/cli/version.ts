import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT_URL } from '../platform/package-root.js';

/** The package's version, read from its package.json. */
export function packageVersion(): string {
  const url = new URL('package.json', PACKAGE_ROOT_URL);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
