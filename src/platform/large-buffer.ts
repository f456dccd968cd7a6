/**
 * Zeroed memory for large columns (Node): the native addon's `largeBuffer`, an anonymous mapping advised for
 * transparent huge pages, so that a column's first writes fault 2 MiB at a time rather than 4 KiB. On the project's
 * VMs a fresh 4 KiB page costs ~3.5 ms of CPU per MB written (the kernel's fault path, half the CPU of a cold Parquet
 * read), against ~0.1 ms per MB in huge pages (bench/README.md, "issue 16 item 3, session 10"). The machine decides
 * (THP "madvise" or "always" mode); where it refuses, the pages stay small and nothing else changes. Without the addon
 * (not built, or built before it had `largeBuffer`) `largeAllocator()` is null and callers allocate as usual.
 * The memory goes back when V8 has collected the buffer and the event loop turns (Node runs the finalizers of external
 * buffers from it): right for a file's frame read once, not for a synchronous loop over blocks, which would hold every
 * block's memory until it ends.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { nativeAddonPath } from '../backend/addon-path.js';

/** Zeroed memory of `bytes` bytes. */
export type Allocate = (bytes: number) => ArrayBuffer;

/** Below this, an ordinary ArrayBuffer (a huge page is 2 MiB; smaller buffers come from malloc's reused memory). */
export const LARGE_BUFFER_BYTES = 1 << 21;

let cached: Allocate | null | undefined;

/** The addon's allocator for buffers of LARGE_BUFFER_BYTES or more (smaller ones as usual), or null without it. */
export function largeAllocator(): Allocate | null {
  if (cached !== undefined) return cached;
  cached = null;
  const file = nativeAddonPath();
  if (!existsSync(file)) return cached;
  try {
    const addon = createRequire(import.meta.url)(file) as { largeBuffer?: (bytes: number) => ArrayBuffer };
    const large = addon.largeBuffer;
    if (typeof large === 'function') cached = (bytes) => (bytes >= LARGE_BUFFER_BYTES ? large(bytes) : new ArrayBuffer(bytes));
  } catch {
    // an addon that does not load (another platform's build): ordinary buffers
  }
  return cached;
}
