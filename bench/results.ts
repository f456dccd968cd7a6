/**
 * The results file a benchmark run writes (bench/results/<date>-<machine>.json) and a check of its shape.
 */
import type { MachineDescription } from './machine.js';
import type { FitScalingReport } from './fit-scaling.js';
import type { MicroReport } from './micro/log-density.js';
import type { StanResult } from './peers/stan.js';
import type { WholeFitResult } from './whole-fit.js';

export const RESULTS_SCHEMA = 1;

/** Outcome of one discovered bench module (bench/*.bench.ts) or peer. */
export interface ModuleOutcome {
  readonly name: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  /** One line: why it was skipped or how it failed. */
  readonly notice?: string;
  readonly seconds: number;
  /** What the module's run() returned (JSON-serialisable), when ok. */
  readonly result?: unknown;
}

export interface BenchResults {
  readonly schema: typeof RESULTS_SCHEMA;
  /** ISO timestamp of the start of the run. */
  readonly startedAt: string;
  readonly quick: boolean;
  readonly machine: MachineDescription;
  readonly micro: MicroReport;
  readonly modules: ModuleOutcome[];
  readonly stan: { readonly notice: string | null; readonly results: StanResult[] };
  readonly wholeFit: {
    readonly notice: string | null;
    readonly results: WholeFitResult[];
    readonly failures: string[];
    /** Backends left out of the default whole fits, one line each with why. */
    readonly notices?: string[];
  };
  /** Whole-fit wall time as rows and chains grow (bench/fit-scaling.ts); absent in results written before it. */
  readonly fitScaling?: FitScalingReport;
  /** Plot files written, relative to the README that links them. */
  readonly plots: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Problems with the shape of a parsed results file; empty when it is well formed. */
export function resultsShapeProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(value)) return ['results are not an object'];
  if (value.schema !== RESULTS_SCHEMA) problems.push(`schema is ${String(value.schema)}, expected ${RESULTS_SCHEMA}`);
  if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt))) problems.push('startedAt is not a date');
  if (typeof value.quick !== 'boolean') problems.push('quick is not a boolean');
  const machine = value.machine;
  if (!isObject(machine) || !isObject(machine.cpu) || !isObject(machine.peak) || typeof machine.node !== 'string') {
    problems.push('machine lacks cpu, peak or node');
  }
  const micro = value.micro;
  if (!isObject(micro) || !Array.isArray(micro.results) || !Array.isArray(micro.skipped)) {
    problems.push('micro lacks results/skipped arrays');
  } else {
    micro.results.forEach((r: unknown, i: number) => {
      if (!isObject(r)) return problems.push(`micro.results[${i}] is not an object`);
      for (const key of ['rows', 'chains', 'secondsPerCall', 'evalsPerSecond', 'ratioToLimit']) {
        if (typeof r[key] !== 'number' || !Number.isFinite(r[key] as number)) problems.push(`micro.results[${i}].${key} is not a finite number`);
      }
      if (!isObject(r.limit) || (r.limit.binding !== 'compute' && r.limit.binding !== 'memory')) {
        problems.push(`micro.results[${i}].limit has no binding`);
      }
    });
  }
  if (!Array.isArray(value.modules)) problems.push('modules is not an array');
  if (!isObject(value.stan) || !Array.isArray(value.stan.results)) problems.push('stan lacks results');
  if (!isObject(value.wholeFit) || !Array.isArray(value.wholeFit.results)) problems.push('wholeFit lacks results');
  if (value.fitScaling !== undefined && (!isObject(value.fitScaling) || !Array.isArray(value.fitScaling.results))) {
    problems.push('fitScaling lacks results');
  }
  if (!Array.isArray(value.plots)) problems.push('plots is not an array');
  return problems;
}
