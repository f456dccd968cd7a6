/**
 * The size of one batched gradient call, rows × chains, and the limit below which a call is "small": the arithmetic
 * then costs less than any machinery around it, so the backend choice avoids that machinery (issue 16 item 6).
 *
 * Measured with bench/small-models.bench.ts on the 2-core AMD EPYC build machine while other jobs shared it (load
 * average 4–8), medians of 9 interleaved rounds of 400 calls, µs per call of 4 chains, two runs:
 *
 *                                      56 rows (binomial, 15 levels)   3,000 rows (4 coefficients)
 *   reference (TypeScript)                          18–20                       900–1,400
 *   native, asynchronous, 1 thread                  23–25                          54–122
 *   native, asynchronous, 2 threads               420–425                        450–590
 *   native, on the calling thread, 1 thread           2.1                           47–56
 *
 * - The native arithmetic is 2–4 ns per row × chain on one thread; the asynchronous round trip (a libuv worker
 *   thread, a promise and its microtasks) about 20 µs, and waking the second pool thread about 400 µs on these
 *   shared cores (less on idle ones, which this machine never was). Below the limit (≲ 0.25 ms of arithmetic) a call
 *   runs on one thread, on the calling thread: it blocks the event loop for well under a millisecond, and the
 *   sampler still yields to the event loop every ~50 ms for signals (src/sampler/run.ts). The reference backend is
 *   never faster than that, so `auto` has no reason to pick it while the addon loads.
 * - A GPU call costs 0.09–0.13 ms whatever its size up to 16 chains × 64,000 rows (dispatch and readback through
 *   Dawn on an H100, bench/results/webgpu-h100-2026-11-23.md), and probing for an adapter starts a child process that
 *   loads Dawn; below the limit the GPU cannot beat one CPU thread by enough to pay for the probe, so `auto` does not
 *   probe. The Hillstrom fits (64,000 rows × 4 chains = 256,000) are above the limit and unchanged.
 */
export const SMALL_WORK_LIMIT = 1 << 16;

/**
 * Rows × chains of the largest call a backend prepared for `maxChains` chains (4, the CLI's default, when not given)
 * will get; when it is prepared for pointwise log-likelihood blocks of `maxDraws` draws (LOO: one chain, 256 draws
 * per call), rows × draws when that is larger.
 */
export function callWork(rows: number, maxChains: number | undefined, maxDraws?: number): number {
  return rows * Math.max(maxChains ?? 4, maxDraws ?? 0);
}

/** Whether such a call is small (see SMALL_WORK_LIMIT). */
export function isSmallWork(work: number): boolean {
  return work < SMALL_WORK_LIMIT;
}
