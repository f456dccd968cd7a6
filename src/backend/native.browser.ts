/**
 * native.ts for the browser build (swapped in by scripts/build-browser.mjs): there is no Node addon in a page, so the
 * modules that use the addon when it loads (src/loo/native-psis.ts) take their TypeScript path.
 */
import type { NativeAddon } from './native.js';

const REASON = 'the native addon is a Node module; a browser page has none';

export function loadNativeAddon(): NativeAddon | null {
  return null;
}

export function nativeAddonUnavailableReason(): string | null {
  return REASON;
}
