/**
 * Scaling plots from the micro results: time per gradient (one chain) as rows grow and as chains grow, per backend
 * and model, with the physical limit drawn alongside; and from the fit-scaling results (bench/fit-scaling.ts): time
 * per whole fit as rows grow and as chains grow. Vega-Lite specs rendered to SVG with vega (no canvas needed).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { FitScalingResult } from './fit-scaling.js';
import type { MicroResult, Sweep } from './micro/log-density.js';

interface Point {
  readonly series: string;
  readonly model: string;
  readonly x: number;
  readonly seconds: number;
}

function points(results: readonly MicroResult[], sweep: Sweep): Point[] {
  const out: Point[] = [];
  const limitSeen = new Set<string>();
  for (const r of results.filter((r) => r.sweeps.includes(sweep))) {
    const x = sweep === 'rows' ? r.rows : r.chains;
    // time per gradient of one chain: a call evaluates all chains at once
    out.push({ series: r.backend, model: r.model, x, seconds: r.secondsPerCall / r.chains });
    const key = `${r.precision} ${r.model} ${x}`;
    if (!limitSeen.has(key)) {
      limitSeen.add(key);
      out.push({ series: `limit (${r.precision})`, model: r.model, x, seconds: r.rows * r.limit.secondsPerEval });
    }
  }
  return out;
}

export function scalingSpec(results: readonly MicroResult[], sweep: Sweep): TopLevelSpec {
  const sample = results.find((r) => r.sweeps.includes(sweep));
  const fixed = sample ? (sweep === 'rows' ? `${sample.chains} chains` : `${sample.rows.toLocaleString('en-US')} rows`) : '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Log density + gradient: time per gradient per chain as ${sweep} grow (${fixed})`,
    width: 420,
    height: 260,
    data: { values: points(results, sweep) as unknown as Record<string, unknown>[] },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: sweep === 'rows' ? 'rows' : 'chains per call' },
      y: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'seconds per gradient per chain' },
      color: { field: 'series', type: 'nominal', title: 'backend' },
      strokeDash: { field: 'model', type: 'nominal', title: 'model' },
    },
  };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Writes rows-scaling.svg and chains-scaling.svg (and their .vl.json specs) into `dir`; returns the SVG paths. */
export async function writeScalingPlots(results: readonly MicroResult[], dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const sweep of ['rows', 'chains'] as const) {
    if (!results.some((r) => r.sweeps.includes(sweep))) continue;
    const spec = scalingSpec(results, sweep);
    const file = path.join(dir, `${sweep}-scaling.svg`);
    await writeFile(path.join(dir, `${sweep}-scaling.vl.json`), JSON.stringify(spec, null, 1));
    await writeFile(file, await renderSvg(spec));
    written.push(file);
  }
  return written;
}

/** Wall seconds per fit against rows or chains, one line per backend. */
export function fitScalingSpec(results: readonly FitScalingResult[], sweep: Sweep): TopLevelSpec {
  const inSweep = results.filter((r) => r.sweeps.includes(sweep));
  const sample = inSweep[0];
  const fixed = sample ? (sweep === 'rows' ? `${sample.chains} chains` : `${sample.rows.toLocaleString('en-US')} rows`) : '';
  const iterations = sample ? `${sample.warmup} + ${sample.draws} iterations` : '';
  const values = inSweep.map((r) => ({ series: r.backend, x: sweep === 'rows' ? r.rows : r.chains, seconds: r.wallSeconds }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Whole fit (pooled): wall time as ${sweep} grow (${fixed}, ${iterations})`,
    width: 420,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: sweep === 'rows' ? 'rows' : 'chains' },
      y: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'seconds per fit (warm-up + sampling)' },
      color: { field: 'series', type: 'nominal', title: 'backend' },
    },
  };
}

/** Writes fit-rows-scaling.svg and fit-chains-scaling.svg (and their .vl.json specs) into `dir`; returns the SVG paths. */
export async function writeFitScalingPlots(results: readonly FitScalingResult[], dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const sweep of ['rows', 'chains'] as const) {
    if (!results.some((r) => r.sweeps.includes(sweep))) continue;
    const spec = fitScalingSpec(results, sweep);
    const file = path.join(dir, `fit-${sweep}-scaling.svg`);
    await writeFile(path.join(dir, `fit-${sweep}-scaling.vl.json`), JSON.stringify(spec, null, 1));
    await writeFile(file, await renderSvg(spec));
    written.push(file);
  }
  return written;
}

/** One point of a curve plot: `series` names the line (a backend, a reader, a data source). */
export interface CurvePoint {
  readonly series: string;
  readonly x: number;
  readonly y: number;
}

export interface CurvePlot {
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly points: readonly CurvePoint[];
  /** Log scales (default true on both axes). */
  readonly logX?: boolean;
  readonly logY?: boolean;
}

/**
 * A line per series against x — the shape of every scaling curve of bench/scale.ts (time per gradient per row×chain
 * vs rows, peak RSS vs rows, ingestion rows/s vs rows) and of a levels sweep (time per gradient vs levels): a bench
 * that measures another sweep gives its points here and gets the same plot.
 */
export function curveSpec(plot: CurvePlot): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: plot.title,
    width: 420,
    height: 260,
    data: { values: plot.points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { type: plot.logX === false ? 'linear' : 'log' }, title: plot.xTitle },
      y: { field: 'y', type: 'quantitative', scale: { type: plot.logY === false ? 'linear' : 'log' }, title: plot.yTitle },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** Writes `name`.svg and `name`.vl.json into `dir`; returns the SVG's path. */
export async function writeCurvePlot(plot: CurvePlot, dir: string, name: string): Promise<string> {
  const spec = curveSpec(plot);
  const file = path.join(dir, `${name}.svg`);
  await writeFile(path.join(dir, `${name}.vl.json`), JSON.stringify(spec, null, 1));
  await writeFile(file, await renderSvg(spec));
  return file;
}
