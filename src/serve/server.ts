/**
 * The scoring API (fastify): POST /score scores customer rows with a fitted run's posterior, GET /model describes the
 * model and its diagnostics, GET /report serves the HTML report (RUN_DIR/report.html, else one built from the run,
 * once, on the first request).
 * Bodies over `bodyLimit` bytes get 413, more than `maxRows` rows or an invalid field 400 with a message naming the
 * field (keys named __proto__, constructor or prototype too). Rows are scored with the family's expected outcome
 * (P(convert) for bernoulli/binomial; src/decision/scoring.ts); the body's optional `new_levels` and `seed` say how
 * rows at unseen group levels are scored (default zero), and each such row lists its new groups in `new_levels`.
 * A client that takes longer than the request timeout
 * to send its request is cut off (408); a large request is scored in time slices, so others are answered between
 * them. The draws are rearranged for scoring once, at start-up.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadNativeAddon } from '../backend/native.js';
import type { BackendChoice } from '../backend/select.js';
import { DEFAULT_THRESHOLDS, probabilityAction, type ProbabilityThresholds } from '../decision/policy.js';
import { DEFAULT_NEW_LEVELS } from '../decision/new-levels.js';
import { prepareScoring } from '../decision/scoring-model.js';
import { rowNewLevels, scoreFrameYielding, type ScoreResult } from '../decision/scoring.js';
import { isUserError, UserError } from '../errors.js';
import { requireEffectDraws, type LoadedRun } from '../io/run-dir.js';
import { looOfRun } from '../loo/run-loo.js';
import { renderReport } from '../report/html.js';
import { fitReportSections } from '../report/served-report.js';
import { modelInfo } from './model-info.js';
import { parseRowsBody, type ParsedBody } from './json-rows.js';
import { rowsToFrame } from './rows-frame.js';
import { requestInputs } from './inputs.js';
import { forbiddenKey, requestColumns, scoreRequestValidator, type ScoreRow } from './schema.js';
import { SERVE_DEFAULTS, defaultBodyLimit } from './limits.js';

export { BODY_BYTES_PER_ROW, SERVE_DEFAULTS, defaultBodyLimit } from './limits.js';

export interface ServeOptions {
  /** Largest request body in bytes; default defaultBodyLimit(maxRows), room for maxRows rows. */
  readonly bodyLimit?: number;
  /** Most rows per POST /score; default 10,000. */
  readonly maxRows?: number;
  /**
   * Milliseconds a client has to send a whole request, headers and body (default 30 s); a slower or stalled client
   * gets 408 and its connection is closed. Headers must arrive within min(this, headersTimeoutMs).
   */
  readonly requestTimeoutMs?: number;
  /** Milliseconds to send the request headers; default requestTimeoutMs. */
  readonly headersTimeoutMs?: number;
  /** Milliseconds an idle keep-alive connection stays open; default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  readonly thresholds?: ProbabilityThresholds;
  /** Backend for the pointwise log-likelihood of the built report's PSIS-LOO; default native when built, else
   * reference (no WebGPU probing inside a server). */
  readonly looBackend?: BackendChoice;
}

/** Work on one request between yields to the event loop: about this many milliseconds at most. */
const SCORING_SLICE_MS = 10;
/** Values per scoring block (rows × draws): blocks are the units of work between yields (2^14: 4 rows of 4,000 draws). */
const SCORING_BLOCK_VALUES = 1 << 14;
/** Reply rows serialized per slice. */
const REPLY_ROWS_PER_SLICE = 500;

/** A function to await between slices of work: it yields (setImmediate) once `sliceMs` have passed since the last. */
function pacer(sliceMs: number): () => Promise<void> {
  let start = performance.now();
  return async () => {
    if (performance.now() - start < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    start = performance.now();
  };
}

/** forbiddenKey's place `at` inside row i ("body", "note", "[2].x") as a place in the body ("rows[i].note"). */
function rowPath(i: number, at: string): string {
  if (at === 'body') return `rows[${i}]`;
  return at.startsWith('[') ? `rows[${i}]${at}` : `rows[${i}].${at}`;
}

/** The interval the API reports (its field names say p10 and p90). */
const INTERVAL: readonly [number, number] = [0.1, 0.9];

/** Content-Security-Policy of the report page (it loads nothing). */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

type ScoredRow = Record<string, number | string | null | string[]>;

/** The reply's rows [i0, i1). */
function scoredRows(
  result: ScoreResult,
  rows: readonly ScoreRow[],
  thresholds: ProbabilityThresholds,
  i0: number,
  i1: number,
): ScoredRow[] {
  const out: ScoredRow[] = [];
  for (let i = i0; i < i1; i++) {
    const row: ScoredRow = {};
    if (rows[i].id !== undefined) row.id = rows[i].id;
    const { uplift, treated, control, probUpliftPositive, probability, expected } = result;
    if (uplift && treated && control && probUpliftPositive) {
      if (result.measure === 'probability') {
        row.p_convert_treated = treated[i];
        row.p_convert_control = control[i];
      } else {
        row.expected_treated = treated[i];
        row.expected_control = control[i];
      }
      row.uplift_mean = uplift.mean[i];
      row.uplift_p10 = uplift.low[i];
      row.uplift_p90 = uplift.high[i];
      row.prob_uplift_positive = probUpliftPositive[i];
      row.action = probabilityAction(probUpliftPositive[i], thresholds);
    } else if (probability) {
      row.p_convert_mean = probability.mean[i];
      row.p_convert_p10 = probability.low[i];
      row.p_convert_p90 = probability.high[i];
    } else if (expected) {
      row.expected_mean = expected.mean[i];
      row.expected_p10 = expected.low[i];
      row.expected_p90 = expected.high[i];
    }
    const unseen = rowNewLevels(result, i);
    if (unseen.length > 0) row.new_levels = unseen;
    out.push(row);
  }
  return out;
}

export function buildServer(run: LoadedRun, options: ServeOptions = {}): FastifyInstance {
  // scoring needs every group effect's draws: a run saved with --save-effects none is refused in one line
  requireEffectDraws(run.dir, run.meta, 'serving');
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const maxRows = options.maxRows ?? SERVE_DEFAULTS.maxRows;
  const model = prepareScoring({ recipe: run.meta.recipe, draws: run.draws });
  const inputs = requestInputs(run.meta.recipe, model.treatment);
  const validator = scoreRequestValidator(inputs, maxRows);
  const info = modelInfo(run, inputs, model.treatment, thresholds, INTERVAL);
  let report: Promise<string> | null = null;

  /** The fallback report; PSIS-LOO rebuilds the model from the run's data source, which may be gone. */
  const builtReport = async (): Promise<string> => {
    const backend = options.looBackend ?? (loadNativeAddon() ? 'native' : 'reference');
    const loo = await looOfRun(run.dir, { backend }).catch((e: unknown) =>
      isUserError(e) ? e.message : `PSIS-LOO failed (${(e as Error).message.split('\n')[0]})`,
    );
    return renderReport(fitReportSections(run, info, loo), { title: `nutmeg: ${info.formula}`, subtitle: run.dir });
  };

  const bodyLimit = options.bodyLimit ?? defaultBodyLimit(maxRows);
  const requestTimeout = options.requestTimeoutMs ?? SERVE_DEFAULTS.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? requestTimeout, requestTimeout);
  const app = Fastify({
    logger: false,
    bodyLimit,
    // node:http closes a connection whose headers or whole request have not arrived in time (408); it checks every
    // connectionsCheckingInterval ms (node's default 30 s would double a 30 s limit)
    requestTimeout,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? SERVE_DEFAULTS.keepAliveTimeoutMs,
    http: { headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(headersTimeout, requestTimeout) / 4))) },
  });

  // JSON bodies: keys named __proto__, constructor or prototype are refused by name (fastify's parser calls them
  // "not valid JSON"). JSON.parse makes such keys plain own properties, so nothing is polluted before the check; the
  // full walk runs only on a body whose text could hold such a key (literally, or written with \u escapes).
  app.removeContentTypeParser('application/json');
  // only JSON bodies: fastify would otherwise hand a text/plain body to the route as a string
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, async (_request: unknown, text: string | Buffer) => {
    const body = String(text);
    const mayHaveKey = /__proto__|constructor|prototype|\\u/.test(body);
    let parsed: ParsedBody<{ key: string; at: string }>;
    try {
      // row by row, yielding between slices of rows: a 10,000-row body is ~3 MB of JSON
      parsed = await parseRowsBody(body, pacer(SCORING_SLICE_MS), (value, i) => {
        if (!mayHaveKey) return null;
        const bad = forbiddenKey(value);
        return bad === null || i < 0 ? bad : { key: bad.key, at: rowPath(i, bad.at) };
      });
    } catch (e) {
      throw Object.assign(new Error(`the body is not valid JSON (${(e as Error).message})`), { statusCode: 400 });
    }
    if (parsed.problem) throw new UserError(`field "${parsed.problem.key}" is not allowed at ${parsed.problem.at}`);
    return parsed.body;
  });

  app.setErrorHandler((error, _request, reply) => {
    if (isUserError(error)) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message });
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `the request body is over the limit of ${bodyLimit} bytes; send at most ${maxRows} rows per request (split larger batches)`,
      });
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'send the body as JSON with the header Content-Type: application/json, e.g. {"rows": [{…}]}',
      });
    }
    const status = (error as { statusCode?: unknown }).statusCode;
    // fastify's own client errors (413 body too large, 400 bad JSON, 415 content type) keep their status and message
    if (typeof status === 'number' && status < 500) return reply.send(error);
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error while scoring' });
  });

  // validation, scoring and the reply are done in slices, so that one large request does not hold up the others
  app.post('/score', async (request, reply) => {
    const pause = pacer(SCORING_SLICE_MS);
    const valid = await validator.validate(request.body, pause);
    if ('message' in valid) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: valid.message });
    const { rows } = valid;
    const newLevels = valid.newLevels ?? DEFAULT_NEW_LEVELS;
    const frame = await rowsToFrame(rows, requestColumns(rows, inputs), 'POST /score', pause);
    const result = await scoreFrameYielding(model, frame, {
      interval: INTERVAL,
      sliceMs: SCORING_SLICE_MS,
      blockValues: SCORING_BLOCK_VALUES,
      newLevels,
      seed: valid.seed,
    });
    // the reply as bytes, encoded slice by slice: one 2 MB string would be flattened and encoded in one piece on send
    const head = JSON.stringify({
      formula: info.formula,
      draws: result.nDraws,
      interval: INTERVAL,
      new_levels: newLevels,
      ...(newLevels === 'zero' ? {} : { seed: result.seed }),
    });
    const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"rows":[`)];
    for (let i0 = 0; i0 < result.n; i0 += REPLY_ROWS_PER_SLICE) {
      await pause();
      const i1 = Math.min(result.n, i0 + REPLY_ROWS_PER_SLICE);
      const text = scoredRows(result, rows, thresholds, i0, i1).map((row) => JSON.stringify(row)).join(',');
      parts.push(Buffer.from(i0 === 0 ? text : `,${text}`));
    }
    parts.push(Buffer.from(']}'));
    return reply.type('application/json; charset=utf-8').send(Buffer.concat(parts));
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
