/**
 * The scoring API's default limits, apart from the server (src/serve/server.ts) so that the CLI's option help can
 * show them without loading fastify (issue 16 item 6).
 */
export const SERVE_DEFAULTS = { maxRows: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 } as const;

/**
 * Bytes allowed per row by the default body limit: a Hillstrom row with an id and every column of the file is about
 * 250 bytes as compact JSON and under 600 pretty-printed, so 1 KiB per row leaves room for longer ids and level names.
 */
export const BODY_BYTES_PER_ROW = 1024;

/** The default body limit: `maxRows` generous rows plus 64 KiB, at least 1 MiB. */
export function defaultBodyLimit(maxRows: number): number {
  return Math.max(1 << 20, maxRows * BODY_BYTES_PER_ROW + (1 << 16));
}
