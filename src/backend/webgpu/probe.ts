/**
 * Which WebGPU adapters this machine has, asked in a short-lived child process (probe-child.ts). Dawn and the
 * Vulkan/GL drivers print their own warnings straight to the process's stdout/stderr (file descriptors 1 and 2, from
 * C++, out of Node's reach); in a child those lines land in pipes the parent reads, so on a machine without a GPU
 * nothing reaches the user's terminal (issue 14 item 7). The captured output is kept for --verbose. A child that
 * crashes, hangs or prints something unexpected gives a plain "no GPU" reason, never its output.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AdapterListing } from './device.js';

/** The child's answer is the one stdout line starting with this marker; everything else is driver noise. */
export const PROBE_MARKER = 'nutmeg-gpu-probe ';
/** Long enough for Dawn to try every backend on a slow machine; `auto` must not hang on a wedged driver. */
export const PROBE_TIMEOUT_MS = 10_000;
/** Captured driver output kept for --verbose; more is dropped (a runaway child must not grow the parent). */
const MAX_CAPTURED_CHARS = 64 * 1024;

export interface GpuProbe {
  /** The adapters the child listed; empty when it failed. */
  readonly adapters: readonly AdapterListing[];
  /** Why the probe gave no answer (timeout, crash, unreadable answer, Dawn failed to load); null when it answered. */
  readonly failure: string | null;
  /** Wall time of the probe, seconds. */
  readonly seconds: number;
  /** What the child printed besides its answer (Dawn's and the drivers' warnings), for --verbose. */
  readonly output: string;
}

export interface ProbeCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The answer line the child prints (also parsed from it by probe-child.ts's caller, here). */
export interface ProbeAnswer {
  readonly adapters?: AdapterListing[];
  readonly error?: string;
}

/**
 * `node probe-child.js` next to this module: dist/ when built; under vitest or tsx this module is the .ts source,
 * so the child runs the .ts file through tsx's loader (resolved from here, whatever the working directory).
 */
export function probeChildCommand(): ProbeCommand {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { command: process.execPath, args: ['--import', tsx, fileURLToPath(new URL('./probe-child.ts', here))] };
  }
  return { command: process.execPath, args: [fileURLToPath(new URL('./probe-child.js', here))] };
}

function isListing(a: unknown): a is AdapterListing {
  if (typeof a !== 'object' || a === null) return false;
  const r = a as Record<string, unknown>;
  return ['name', 'description', 'backend', 'featureLevel', 'vendor', 'architecture'].every((k) => typeof r[k] === 'string');
}

/** The answer in the child's stdout, or null when there is none or it is malformed. */
export function parseProbeAnswer(stdout: string): ProbeAnswer | null {
  const line = stdout.split('\n').find((l) => l.startsWith(PROBE_MARKER));
  if (line === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(PROBE_MARKER.length));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.error === 'string') return { error: v.error };
  if (Array.isArray(v.adapters) && v.adapters.every(isListing)) return { adapters: v.adapters };
  return null;
}

/** Runs the probe child once: never throws, never lets its output through. */
export function runProbe(command: ProbeCommand = probeChildCommand(), timeoutMs = PROBE_TIMEOUT_MS): Promise<GpuProbe> {
  const start = performance.now();
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const keep = (text: string, chunk: Buffer): string =>
      text.length >= MAX_CAPTURED_CHARS ? text : (text + chunk.toString('utf8')).slice(0, MAX_CAPTURED_CHARS);
    const finish = (failure: string | null, adapters: readonly AdapterListing[] = []): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const noise = stdout
        .split('\n')
        .filter((l) => !l.startsWith(PROBE_MARKER))
        .join('\n');
      const output = [noise.trim(), stderr.trim()].filter((s) => s !== '').join('\n');
      resolvePromise({ adapters, failure, seconds: (performance.now() - start) / 1000, output });
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command.command, [...command.args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Mesa's OpenGL path needs a platform without a display (see device.ts)
        env: { ...process.env, EGL_PLATFORM: process.env.EGL_PLATFORM ?? 'surfaceless' },
        windowsHide: true,
      });
    } catch (e) {
      finish(`the GPU probe could not start (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(`the GPU probe did not answer within ${(timeoutMs / 1000).toFixed(0)} s`);
    }, timeoutMs);
    child.stdout?.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr?.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    child.on('error', (e) => finish(`the GPU probe could not start (${e.message})`));
    child.on('close', (code, signal) => {
      const answer = parseProbeAnswer(stdout);
      if (answer?.adapters) finish(null, answer.adapters);
      else if (answer?.error !== undefined) finish(`WebGPU unavailable: ${answer.error}`);
      else if (signal !== null) finish(`the GPU probe crashed (${signal})`);
      else finish(`the GPU probe gave no answer (exit code ${code})`);
    });
  });
}

let cached: Promise<GpuProbe> | undefined;

/** The probe's answer, asked once per process (later calls share it). */
export function probeGpu(): Promise<GpuProbe> {
  cached ??= runProbe();
  return cached;
}

/** Forget the cached answer (tests). */
export function resetGpuProbe(): void {
  cached = undefined;
}
