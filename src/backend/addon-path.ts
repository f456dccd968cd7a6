/**
 * Where the native addon lives (build/Release/nutmeg_native.node under the package root, or $NUTMEG_NATIVE_ADDON), in
 * a module of its own so that code other than the backend (src/platform/large-buffer.ts) can find it without loading
 * the backend's modules.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT_URL } from '../platform/package-root.js';

/** Where the build puts the addon (both cmake-js and node-gyp), relative to the package root. */
export const NATIVE_ADDON_RELATIVE_PATH = 'build/Release/nutmeg_native.node';

/** The addon's path: $NUTMEG_NATIVE_ADDON when set, else the build output under the package root. */
export function nativeAddonPath(): string {
  const override = process.env.NUTMEG_NATIVE_ADDON;
  if (override) return resolve(override);
  return resolve(fileURLToPath(PACKAGE_ROOT_URL), NATIVE_ADDON_RELATIVE_PATH);
}
