/**
 * Where the native addon lives (build/Release/nutmeg_native.node under the package root, or $NUTMEG_NATIVE_ADDON), in
 * a module of its own so that code other than the backend (src/platform/large-buffer.ts) can find it without loading
 * the backend's modules.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the build puts the addon (both cmake-js and node-gyp), relative to the package root. */
export const NATIVE_ADDON_RELATIVE_PATH = 'build/Release/nutmeg_native.node';

/** The addon's path: $NUTMEG_NATIVE_ADDON when set, else the build output under the package root. */
export function nativeAddonPath(): string {
  const override = process.env.NUTMEG_NATIVE_ADDON;
  if (override) return resolve(override);
  // this file is src/backend/addon-path.ts or dist/backend/addon-path.js: the package root is two levels up
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return resolve(root, NATIVE_ADDON_RELATIVE_PATH);
}
