/**
 * The scoring API (fastify): POST /score scores customer rows with a fitted run's posterior, GET /model describes the
 * model and its diagnostics, GET /report serves the HTML report (RUN_DIR/report.html, else one built from the run,
 * once, on the first request).
 * Bodies over `bodyLimit` bytes get 413, more than `maxRows` rows or an invalid field 400 with a message naming the
 * field. The draws are rearranged for scoring once, at start-up.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadNativeAddon } from '../backend/native.js';
import type { BackendChoice } from '../backend/select.js';
import { DEFAULT_THRESHOLDS, probabilityAction, type ProbabilityThresholds } from '../decision/policy.js';
import { prepareScoring, recipeColumns, scoreFrame, type ScoreResult } from '../decision/scoring.js';
import { isUserError } from '../errors.js';
import type { LoadedRun } from '../io/run-dir.js';
import { looOfRun } from '../loo/run-loo.js';
import { renderReport } from '../report/html.js';
import { fitReportSections } from './fit-report.js';
import { modelInfo } from './model-info.js';
import { rowsToFrame } from './rows-frame.js';
import { describeIssue, scoreRequestSchema, type ScoreRow } from './schema.js';

export interface ServeOptions {
  /** Largest request body in bytes; default 1 MiB. */
  readonly bodyLimit?: number;
  /** Most rows per POST /score; default 10,000. */
  readonly maxRows?: number;
  readonly thresholds?: ProbabilityThresholds;
  /** Backend for the pointwise log-likelihood of the built report's PSIS-LOO; default native when built, else
   * reference (no WebGPU probing inside a server). */
  readonly looBackend?: BackendChoice;
}

export const SERVE_DEFAULTS = { bodyLimit: 1 << 20, maxRows: 10_000 } as const;

/** The interval the API reports (its field names say p10 and p90). */
const INTERVAL: readonly [number, number] = [0.1, 0.9];

/** Content-Security-Policy of the report page (it loads nothing). */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

type ScoredRow = Record<string, number | string | null | string[]>;

function scoredRows(result: ScoreResult, rows: readonly ScoreRow[], thresholds: ProbabilityThresholds, newLevels: (i: number) => string[]): ScoredRow[] {
  const out: ScoredRow[] = [];
  for (let i = 0; i < result.n; i++) {
    const row: ScoredRow = {};
    if (rows[i].id !== undefined) row.id = rows[i].id;
    const { uplift, treated, control, probUpliftPositive, probability } = result;
    if (uplift && treated && control && probUpliftPositive) {
      row.p_convert_treated = treated[i];
      row.p_convert_control = control[i];
      row.uplift_mean = uplift.mean[i];
      row.uplift_p10 = uplift.low[i];
      row.uplift_p90 = uplift.high[i];
      row.prob_uplift_positive = probUpliftPositive[i];
      row.action = probabilityAction(probUpliftPositive[i], thresholds);
    } else if (probability) {
      row.p_convert_mean = probability.mean[i];
      row.p_convert_p10 = probability.low[i];
      row.p_convert_p90 = probability.high[i];
    }
    const unseen = newLevels(i);
    if (unseen.length > 0) row.new_levels = unseen;
    out.push(row);
  }
  return out;
}

export function buildServer(run: LoadedRun, options: ServeOptions = {}): FastifyInstance {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const maxRows = options.maxRows ?? SERVE_DEFAULTS.maxRows;
  const model = prepareScoring({ recipe: run.meta.recipe, draws: run.draws });
  const inputs = recipeColumns(run.meta.recipe);
  if (model.treatment) inputs.delete(model.treatment);
  const schema = scoreRequestSchema(inputs, maxRows);
  const info = modelInfo(run, inputs, model.treatment, thresholds, INTERVAL);
  const groups = run.meta.recipe.groups;
  const known = groups.map((g) => new Set(g.levels));
  let report: Promise<string> | null = null;

  /** The fallback report; PSIS-LOO rebuilds the model from the run's data source, which may be gone. */
  const builtReport = async (): Promise<string> => {
    const backend = options.looBackend ?? (loadNativeAddon() ? 'native' : 'reference');
    const loo = await looOfRun(run.dir, { backend }).catch((e: unknown) =>
      isUserError(e) ? e.message : `PSIS-LOO failed (${(e as Error).message.split('\n')[0]})`,
    );
    return renderReport(fitReportSections(run, info, loo), { title: `nutmeg: ${info.formula}`, subtitle: run.dir });
  };

  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? SERVE_DEFAULTS.bodyLimit });

  app.setErrorHandler((error, _request, reply) => {
    if (isUserError(error)) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message });
    const status = (error as { statusCode?: unknown }).statusCode;
    // fastify's own client errors (413 body too large, 400 bad JSON, 415 content type) keep their status and message
    if (typeof status === 'number' && status < 500) return reply.send(error);
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error while scoring' });
  });

  app.post('/score', async (request, reply) => {
    const parsed = schema.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: describeIssue(parsed.error) });
    }
    const { rows } = parsed.data;
    const frame = rowsToFrame(rows, inputs, 'POST /score');
    const result = scoreFrame(model, frame, { interval: INTERVAL });
    // which grouping factors put row i at a level the model has not seen
    const newLevels = (i: number): string[] =>
      groups.filter((g, k) => !known[k].has(g.columns.map((c) => String(rows[i][c])).join(':'))).map((g) => g.name);
    return { formula: info.formula, draws: result.nDraws, interval: INTERVAL, rows: scoredRows(result, rows, thresholds, newLevels) };
  });

  app.get('/model', async () => info);

  app.get('/report', async (_request, reply) => {
    const file = join(run.dir, 'report.html');
    report ??= existsSync(file) ? readFile(file, 'utf8') : builtReport();
    const html = await report.catch((e: unknown) => {
      report = null;
      throw e;
    });
    return reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).send(html);
  });

  return app;
}
