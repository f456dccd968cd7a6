/**
 * Benchmark: the posterior summary (all sixteen statistics) of 4 chains × 100,000 draws of 50 variables.
 * The draws are AR(1) chains with autocorrelations spread over 0 … 0.95 (seeded), so that Geyer's sequence ends
 * early for some variables and late for others, as in real fits. Run: `npx tsx bench/summary.bench.ts`.
 * The target: under 3 s on the project's 2-core machines. Times one thread (`summarizeDraws`) and all
 * available threads (`summarizeDrawsParallel`, the path `nutmeg summary` takes), wall-clock and CPU time (the CPU
 * time of the threaded path counts all of the process's threads), and checks that both give the same rows. Each
 * threaded repetition starts its workers afresh, as one `nutmeg summary` run does; under tsx they load the built
 * JavaScript in dist/ when it is up to date (`npm run build`), which starts faster than the TypeScript source.
 *
 * Measured 2026-11-23 on the shared 2-core machine under load average 9–13 (wall times there meant nothing: 6–28 s),
 * so CPU times, the same run interleaved with the code before this round (9b535da): one thread 3.60 s CPU
 * (9b535da: 5.44 s); two threads 4.50 s CPU in all, workers on the built JavaScript. On a quiet machine 9b535da took
 * 4.7–5.2 s on one thread and 3.05–3.46 s on two; scaled by the CPU ratio that is ~3.1 s and ~2.0–2.3 s now — to be
 * re-measured on a quiet machine.
 */
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { makeDrawSet } from '../src/draws.js';
import type { DrawSet } from '../src/draws.js';
import { summarizeDraws } from '../src/diagnostics/summary.js';
import { builtModuleUrl, summarizeDrawsParallel } from '../src/diagnostics/summary-parallel.js';
import { stream } from '../src/rng.js';

export interface SummaryBenchResult {
  readonly variables: number;
  readonly chains: number;
  readonly draws: number;
  /** Wall-clock seconds of each repetition of `summarizeDraws` (one thread). */
  readonly seconds: number[];
  /** The fastest one-thread repetition. */
  readonly bestSeconds: number;
  /** CPU seconds (user + system) of the fastest one-thread repetition: less sensitive than wall time to other
   * processes on a shared machine. */
  readonly bestCpuSeconds: number;
  /** Threads used by `summarizeDrawsParallel` (the machine's available parallelism). */
  readonly threads: number;
  /** Wall-clock seconds of each repetition of `summarizeDrawsParallel`. */
  readonly parallelSeconds: number[];
  /** The fastest parallel repetition. */
  readonly bestParallelSeconds: number;
  /** CPU seconds (user + system, all threads) of the fastest parallel repetition. */
  readonly bestParallelCpuSeconds: number;
  /** What the workers loaded: 'built' (dist/ JavaScript) or 'source'. */
  readonly workerCode: 'built' | 'source';
}

function ar1Draws(nVariables: number, nChains: number, nDraws: number, seed: number): DrawSet {
  const names = Array.from({ length: nVariables }, (_, v) => `theta.${v + 1}`);
  const ds = makeDrawSet(names, nChains, nDraws);
  for (let v = 0; v < nVariables; v++) {
    const rho = (0.95 * v) / Math.max(nVariables - 1, 1);
    const innovation = Math.sqrt(1 - rho * rho);
    for (let c = 0; c < nChains; c++) {
      const rng = stream(seed, v * nChains + c);
      const base = (v * nChains + c) * nDraws;
      let y = rng.normal();
      for (let d = 0; d < nDraws; d++) {
        y = rho * y + innovation * rng.normal();
        ds.values[base + d] = y;
      }
    }
  }
  return ds;
}

export async function run(
  options: { quick?: boolean; variables?: number; chains?: number; draws?: number; repeats?: number } = {},
): Promise<SummaryBenchResult> {
  // quick (npm run bench -- --quick, CI): 4 × 2,000 draws once, so that the module is exercised, not measured
  const quick = options.quick === true;
  const variables = options.variables ?? 50;
  const chains = options.chains ?? 4;
  const draws = options.draws ?? (quick ? 2_000 : 100_000);
  const repeats = options.repeats ?? (quick ? 1 : 3);
  const ds = ar1Draws(variables, chains, draws, 20240601);
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  const parallelSeconds: number[] = [];
  const parallelCpuSeconds: number[] = [];
  const threads = availableParallelism();
  for (let r = 0; r < repeats; r++) {
    let t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const one = summarizeDraws(ds).rows;
    const cpu = process.cpuUsage(cpu0);
    seconds.push((performance.now() - t0) / 1000);
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
    t0 = performance.now();
    const pcpu0 = process.cpuUsage();
    const many = (await summarizeDrawsParallel(ds, { threads })).rows;
    const pcpu = process.cpuUsage(pcpu0);
    parallelSeconds.push((performance.now() - t0) / 1000);
    parallelCpuSeconds.push((pcpu.user + pcpu.system) / 1e6);
    if (one.length !== variables || JSON.stringify(one) !== JSON.stringify(many)) throw new Error('summaries differ');
  }
  return {
    variables, chains, draws, seconds, bestSeconds: Math.min(...seconds), bestCpuSeconds: Math.min(...cpuSeconds),
    threads, parallelSeconds, bestParallelSeconds: Math.min(...parallelSeconds),
    bestParallelCpuSeconds: parallelCpuSeconds[parallelSeconds.indexOf(Math.min(...parallelSeconds))],
    workerCode: import.meta.url.endsWith('.ts') && builtModuleUrl() === null ? 'source' : 'built',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  const list = (xs: number[]): string => xs.map((s) => s.toFixed(2)).join(', ');
  console.log(
    `summary of ${r.chains} × ${r.draws} draws of ${r.variables} variables (load average ${loadavg()[0].toFixed(1)}):\n` +
      `  one thread:  best ${r.bestSeconds.toFixed(2)} s (runs: ${list(r.seconds)} s; best CPU time ${r.bestCpuSeconds.toFixed(2)} s)\n` +
      `  ${r.threads} threads:   best ${r.bestParallelSeconds.toFixed(2)} s (runs: ${list(r.parallelSeconds)} s; its CPU time ` +
      `${r.bestParallelCpuSeconds.toFixed(2)} s; workers load the ${r.workerCode === 'built' ? 'built dist/ JavaScript' : 'TypeScript source'})`,
  );
}
