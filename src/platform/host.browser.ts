/**
 * host.ts for a browser page or worker (swapped in by scripts/build-browser.mjs). A page cannot see the machine's
 * memory: navigator.deviceMemory (Chromium only) reports it rounded and capped at 8 GB; without it the estimate
 * assumes 4 GB, a tab's usual ceiling, so that a run that cannot fit in a tab is refused with numbers.
 */
const ASSUMED_TAB_MEMORY = 4e9;

interface BrowserNavigator {
  readonly deviceMemory?: number;
  readonly hardwareConcurrency?: number;
}

function browserNavigator(): BrowserNavigator {
  return (globalThis as { navigator?: BrowserNavigator }).navigator ?? {};
}

/** V8's (Chromium's) and SpiderMonkey's largest typed array on 64-bit machines: 2^32 elements or more. */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32;

export function availableMemory(): number {
  const gb = browserNavigator().deviceMemory;
  return typeof gb === 'number' && gb > 0 ? gb * 1e9 : ASSUMED_TAB_MEMORY;
}

export function hardwareThreads(): number {
  return Math.max(1, browserNavigator().hardwareConcurrency ?? 1);
}

interface BrowserPort {
  onmessage: (() => void) | null;
  postMessage(message: null): void;
  close(): void;
}

/**
 * A turn of the event loop (a macrotask), so that messages (a worker's 'cancel') can arrive. A MessageChannel's
 * message is a macrotask without the 4 ms floor of nested setTimeout (HTML Living Standard, timers §8.6).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => {
    // typed as the browser's MessagePort (the core's tsconfig has Node's, which has no onmessage)
    const channel = new MessageChannel() as unknown as { port1: BrowserPort; port2: BrowserPort };
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** A page has no huge-page allocator: large arrays are allocated as usual. */
export function largeMemory(): ((bytes: number) => ArrayBuffer) | undefined {
  return undefined;
}
