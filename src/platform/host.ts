/**
 * What the core asks of the machine it runs on (Node): memory, hardware threads, the largest typed array. The browser
 * build replaces this module by host.browser.ts (scripts/build-browser.mjs lists every such pair); both export the
 * same names.
 */
import { constants as bufferConstants } from 'node:buffer';
import { availableParallelism, totalmem } from 'node:os';
import { LARGE_BUFFER_BYTES, largeAllocator, type Allocate } from './large-buffer.js';

/**
 * Node 20's largest typed array: 2^32 elements (`new Float64Array(2 ** 32 + 1)` throws "Invalid typed array
 * length"). Newer Node versions allow more; buffer.constants.MAX_LENGTH (bytes of a Buffer) tracks the same limit.
 */
export const MAX_TYPED_ARRAY_LENGTH = Math.min(2 ** 32, bufferConstants.MAX_LENGTH);

/**
 * Memory this process may use: the machine's RAM, or the container's limit when one is set and smaller
 * (process.constrainedMemory reports the cgroup limit; it answers 0 or a huge number when there is none).
 */
export function availableMemory(): number {
  const total = totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}

/** Threads worth running in parallel here. */
export function hardwareThreads(): number {
  return availableParallelism();
}

/** A turn of the event loop (a macrotask), so that signal handlers and I/O callbacks can run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Zeroed memory for the large arrays of a model the run keeps (its design, its outcome): buffers of LARGE_BUFFER_BYTES
 * or more in the native addon's huge-page mappings (src/platform/large-buffer.ts), where fresh memory costs less CPU
 * to touch, others (and all without the addon) as usual; the addon is loaded at the first large buffer, so a small
 * model does not load it. Not for a synchronous loop over blocks: the memory goes back only when the event loop turns.
 */
export function largeMemory(): Allocate | undefined {
  return (bytes) => (bytes >= LARGE_BUFFER_BYTES ? largeAllocator()?.(bytes) : undefined) ?? new ArrayBuffer(bytes);
}
