/**
 * The native addon's largeBuffer (native/src/addon.cpp) through src/platform/large-buffer.ts: zeroed memory of the
 * exact length, usable by typed arrays at any aligned offset; small sizes as ordinary ArrayBuffers; bad sizes refused.
 * Whether the machine backs it with huge pages is its own business (THP mode), so it is not asserted.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nativeAddonPath } from '../../src/backend/addon-path.js';
import { LARGE_BUFFER_BYTES, largeAllocator } from '../../src/platform/large-buffer.js';

const built = existsSync(nativeAddonPath());
if (!built) console.warn(`large-buffer tests skipped: no native addon at ${nativeAddonPath()} (npm run build:native)`);

describe.skipIf(!built)('largeBuffer', () => {
  const allocate = largeAllocator();

  it('is offered by the built addon', () => {
    expect(allocate).not.toBeNull();
  });

  it('gives zeroed, writable memory of exactly the size asked, above and below the huge-page threshold', () => {
    for (const bytes of [5 * LARGE_BUFFER_BYTES + 3 * 8, LARGE_BUFFER_BYTES, LARGE_BUFFER_BYTES - 8, 100 * 8, 0]) {
      const buffer = (allocate as (n: number) => ArrayBuffer)(bytes);
      expect(buffer.byteLength).toBe(bytes);
      const all = new Uint8Array(buffer);
      expect(all.every((b) => b === 0)).toBe(true);
      if (bytes < 16) continue;
      const values = new Float64Array(buffer, 8, bytes / 8 - 1);
      for (let i = 0; i < values.length; i++) values[i] = i + 0.5;
      for (let i = 0; i < values.length; i += 4099) expect(values[i]).toBe(i + 0.5);
      expect(all[0]).toBe(0); // (the first 8 bytes were not written)
    }
  });

  it('is unmapped once dropped and the event loop turns (V8 counts it, so it collects as buffers pile up)', async () => {
    const rss = (): number => process.memoryUsage().rss;
    const before = rss();
    let peak = before;
    const size = 32 * LARGE_BUFFER_BYTES; // 64 MiB
    for (let k = 0; k < 24; k++) {
      const bytes = new Uint8Array((allocate as (n: number) => ArrayBuffer)(size));
      for (let p = 0; p < size; p += LARGE_BUFFER_BYTES) bytes[p] = 1; // (resident: one write per huge page)
      peak = Math.max(peak, rss());
      // Node runs the finalizers of external buffers from the event loop
      await new Promise((resolve) => setImmediate(resolve));
    }
    // 24 × 64 MiB = 1.5 GiB written in all: a finalizer that leaked its mapping would keep all of it resident
    expect(peak - before).toBeLessThan(12 * size);
  });

  it('refuses a size that is not a non-negative integer', () => {
    const addon = createRequire(import.meta.url)(nativeAddonPath()) as { largeBuffer(bytes: unknown): ArrayBuffer };
    expect(() => addon.largeBuffer(-1)).toThrow(/non-negative integer/);
    expect(() => addon.largeBuffer(1.5)).toThrow(/non-negative integer/);
    expect(() => addon.largeBuffer('8')).toThrow(/must be a number/);
  });
});
