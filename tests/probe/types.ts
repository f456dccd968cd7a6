/**
 * Types of the robustness probe (issue 14): a case is one thing a new user might try — a command line with its
 * files, or one HTTP request to `nutmeg serve` — with what a careful user expects of it. The harness runs it and
 * classifies what happened into one Outcome.
 */

export const PROBE_CLASSES = ['csv', 'formula', 'flags', 'output', 'signals', 'summary-loo-compare', 'api'] as const;
export type ProbeClass = (typeof PROBE_CLASSES)[number];

/**
 * - ok: success was expected, it exited 0 (HTTP 2xx) and its check passed.
 * - clear-error: an error was expected (or allowed) and came as exit 2 with one `nutmeg: ` line naming the expected
 *   things (HTTP: a 4xx whose JSON message names them).
 * - warned: exit 0 with the expected one-line `warning: `.
 * - silent-wrong: exit 0 (HTTP 2xx) where an error or a warning was expected, or the success check failed.
 * - refused: a clear error where success was expected (a valid input turned away).
 * - unclear-error: exit 2 (HTTP 4xx) but not one `nutmeg: ` line, or a message that does not name what was expected.
 * - stack-trace: a stack frame or an uncaught `Error:` on stderr.
 * - crash: killed by a signal the probe did not send, any other exit code (HTTP 5xx, a reset connection, a dead server).
 * - hang: no answer within the case's time limit, or memory grew past the probe's limit.
 * - lost-output: an output the case expects (fit.json, chain CSVs, the draws kept after a signal) is missing.
 */
export const OUTCOMES = [
  'ok',
  'clear-error',
  'warned',
  'silent-wrong',
  'refused',
  'unclear-error',
  'stack-trace',
  'crash',
  'hang',
  'lost-output',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that are fine for the case that got them. */
export const GOOD_OUTCOMES: readonly Outcome[] = ['ok', 'clear-error', 'warned'];

/** Outcomes the "Done when" requires to be absent. */
export const FATAL_OUTCOMES: readonly Outcome[] = ['silent-wrong', 'stack-trace', 'crash', 'hang', 'lost-output'];

/**
 * What a careful user expects: success, a clear error, success with a warning, or either success or a clear error
 * (for constructs the issue allows to be supported or refused, as long as nothing is guessed).
 */
export type Expect = 'ok' | 'error' | 'warn' | 'either';

/** A string is matched case-insensitively as a substring; a RegExp as given. */
export type Token = string | RegExp;

/** A check's finding: null when fine; a string (classified by the default for the expectation) or an outcome. */
export type Verdict = null | string | { readonly outcome: Outcome; readonly why: string };

/** What one CLI process did. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly timedOut: boolean;
  /** Resident memory (bytes) at which the probe killed the process, when it did. */
  readonly grewTo: number | null;
  /** The signal the probe sent, if any. */
  readonly sentSignal: string | null;
}

export interface CliOptions {
  readonly timeoutMs?: number;
  /** Send this signal once `waitFor` matched stderr (or after `maxWaitMs`), then `delayMs` later. */
  readonly signal?: { readonly name: NodeJS.Signals; readonly waitFor?: RegExp; readonly delayMs: number; readonly maxWaitMs?: number };
  /** Close our end of the child's stdout pipe: at once, or after its first chunk (as `| head -1` does). */
  readonly closeStdout?: 'at-start' | 'after-first-chunk';
  readonly env?: Readonly<Record<string, string>>;
}

/** Shared runs and servers, built once before the cases. Paths are absolute. */
export interface Fixtures {
  /** Directory holding the fixtures' files. */
  readonly dir: string;
  /** data.csv: y, x, z, g, h, n, s, e, w, note (see data.ts), 120 rows. */
  readonly data: string;
  /** A 2-chain run of `y ~ x + z + g + (1 | h)` on data.csv. */
  readonly run: string;
  /** A 2-chain run of `y ~ x` on data.csv (same observations as run). */
  readonly runPooled: string;
  /** A 2-chain run of `y ~ x` on the first 50 rows of data.csv (different observation count). */
  readonly runSmall: string;
  /** A run of the Hillstrom hierarchical model on simulated data. */
  readonly hillstromRun: string;
  /** Base URLs of `nutmeg serve` on run and on hillstromRun; null when the server did not start (why in serveError). */
  readonly api: string | null;
  readonly hillstromApi: string | null;
  readonly serveError: string | null;
  /** The fixtures that could not be built (each case that needs one will fail on its own). */
  readonly problems: readonly string[];
}

export interface CaseContext {
  /** The case's own fresh temporary directory (the command's working directory). */
  readonly dir: string;
  readonly fixtures: Fixtures;
  /** Runs `nutmeg ARGS…` in the case's directory (for preparing runs and for checks). */
  cli(args: readonly string[], options?: CliOptions): Promise<RunResult>;
}

interface CaseBase {
  readonly class: ProbeClass;
  readonly name: string;
  readonly expect: Expect;
  /** Error: what the `nutmeg: ` line (HTTP: the message) must name. Warn: what one `warning: ` line must name. */
  readonly tokens?: readonly Token[];
  /** Why the case cannot run here (it is then left out of the table and listed). */
  readonly skip?: string;
  readonly timeoutMs?: number;
}

export interface CliCase extends CaseBase {
  readonly kind?: 'cli';
  /** Files written into the case's directory before it runs. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /** Anything else to prepare (other files, earlier runs). */
  readonly prepare?: (ctx: CaseContext) => Promise<void> | void;
  readonly args: readonly string[] | ((ctx: CaseContext) => readonly string[]);
  readonly options?: CliOptions;
  /** Exit codes that count as success besides 0 (e.g. 130 after Ctrl-C, 141 after a closed pipe). */
  readonly successCodes?: readonly number[];
  /** Verifies a success (or, for an error, what it left behind); runs after the classification by exit code. */
  readonly check?: (r: RunResult, ctx: CaseContext) => Verdict | Promise<Verdict>;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly seconds: number;
}

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** An object is sent as JSON; a string or bytes as they are. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpCase extends CaseBase {
  readonly kind: 'http';
  readonly server: 'api' | 'hillstromApi';
  readonly request: HttpRequest | ((ctx: CaseContext) => HttpRequest);
  /** Statuses an expected error may have (default: any 4xx). */
  readonly status?: readonly number[];
  readonly check?: (res: HttpResponse, ctx: CaseContext) => Verdict | Promise<Verdict>;
}

/** A case that drives things itself (a slow client over a raw socket); it classifies its own outcome. */
export interface CustomCase extends CaseBase {
  readonly kind: 'custom';
  /** Runs outside the pool of two (it mostly waits). */
  readonly background?: boolean;
  readonly run: (ctx: CaseContext) => Promise<{ readonly outcome: Outcome; readonly why: string }>;
}

export type ProbeCase = CliCase | HttpCase | CustomCase;

export interface CaseOutcome {
  readonly class: ProbeClass;
  readonly name: string;
  readonly expect: Expect;
  readonly outcome: Outcome;
  /** Why, for anything but a good outcome; the first stderr line or message otherwise. */
  readonly why: string;
  readonly seconds: number;
}
