/**
 * The real Hillstrom file is shared by the workspace (../shared/data/hillstrom.csv relative to the repository root)
 * and never copied into the project. Tests on it skip, with a visible notice, where it is absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HILLSTROM_FILE = fileURLToPath(new URL('../../../shared/data/hillstrom.csv', import.meta.url));

/** The real data's path, or null when it is not present. */
export function hillstromPath(): string | null {
  return existsSync(HILLSTROM_FILE) ? HILLSTROM_FILE : null;
}

/**
 * The path, or null after printing a notice that `what` is skipped. Use as
 *   const path = hillstromPathOrNotice('real-data counts');  describe.skipIf(path === null)(…)
 */
export function hillstromPathOrNotice(what: string): string | null {
  const path = hillstromPath();
  if (path === null) console.warn(`${what} skipped: ../shared/data/hillstrom.csv not present`);
  return path;
}
