/**
 * The size of one batched gradient call, rows × chains, and the limit below which a call is "small": the arithmetic
 * then costs less than any machinery around it, so the backend choice avoids that machinery (issue 16 item 6).
 *
 * Measured with bench/small-models.bench.ts on the 2-core AMD EPYC build machine (shared with other jobs, so the
 * medians of interleaved rounds; µs per call, 4 chains):
 *
 *   native backend                     56 rows (binomial, 15 levels)   3,000 rows (4 coefficients)
 *   asynchronous call, 1 thread                      20                           46
 *   asynchronous call, 2 threads                    430                          460
 *   call on the calling thread, 1 thread               3                           28
 *
 * - The native arithmetic is about 2.3 ns per row × chain on one thread; the asynchronous round trip (a libuv worker
 *   thread, a promise and its microtasks) about 18 µs, and waking a second worker thread from a few µs on idle cores
 *   to hundreds when the cores are shared. Below the limit (about 150 µs of arithmetic) a call runs on one thread,
 *   on the calling thread: it blocks the event loop for well under a millisecond, and the sampler still yields to the
 *   event loop every ~50 ms for signals (src/sampler/run.ts).
 * - A GPU call costs 0.09–0.13 ms whatever its size up to 16 chains × 64,000 rows (dispatch and readback through
 *   Dawn on an H100, bench/results/webgpu-h100-2026-11-23.md), and probing for an adapter starts a child process that
 *   loads Dawn; below the limit the GPU cannot beat one CPU thread by enough to pay for the probe, so `auto` does not
 *   probe.
 */
export const SMALL_WORK_LIMIT = 1 << 16;

/** Rows × chains of one gradient call over `rows` rows with `maxChains` chains (4, the CLI's default, when not given). */
export function callWork(rows: number, maxChains: number | undefined): number {
  return rows * (maxChains ?? 4);
}

/** Whether such a call is small (see SMALL_WORK_LIMIT). */
export function isSmallWork(work: number): boolean {
  return work < SMALL_WORK_LIMIT;
}
