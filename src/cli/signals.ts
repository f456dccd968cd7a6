/**
 * Signals and closed pipes for the CLI.
 *
 * Stop signals (SIGINT from Ctrl-C, SIGTERM from kill or a job scheduler, SIGHUP from a closed terminal) all stop a
 * run the same way: the first asks it to finish its current iteration and keep what was drawn; a second exits at
 * once. The exit code follows the shell's 128 + signal number convention: 130 (INT), 143 (TERM), 129 (HUP).
 *
 * A closed pipe (`nutmeg … | head -1`) makes writes to stdout fail with EPIPE (Node ignores SIGPIPE, so the error
 * arrives as an 'error' event, which would otherwise crash with a stack trace): the reader has gone, so nutmeg exits
 * quietly with code 0. EPIPE on stderr only silences stderr: a run whose log reader went away still finishes and
 * writes its --out directory.
 */
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

export interface SignalTrap {
  /** The first signal caught, or null. */
  readonly caught: () => StopSignal | null;
  /** Removes the handlers (signals act as by default again). */
  readonly release: () => void;
}

/**
 * Catches SIGINT, SIGTERM and SIGHUP until released: the first calls onFirst; a second calls onSecond (synchronous
 * clean-up, e.g. removing a temporary directory) and exits with 128 + its number.
 */
export function trapStopSignals(onFirst: (signal: StopSignal) => void, onSecond?: () => void): SignalTrap {
  let caught: StopSignal | null = null;
  const handler = (signal: StopSignal): void => {
    if (caught === null) {
      caught = signal;
      onFirst(signal);
      return;
    }
    onSecond?.();
    process.exit(signalExitCode(signal));
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return {
    caught: () => caught,
    release: () => {
      for (const s of STOP_SIGNALS) process.removeListener(s, handler);
    },
  };
}

interface ErrorEmitter {
  on(event: 'error', listener: (e: Error) => void): unknown;
}

/**
 * Installs the closed-pipe handling on stdout and stderr (once per process, from bin/nutmeg.js). `exit` is
 * process.exit, injectable for tests. Errors other than EPIPE on stdout are re-thrown, as they would have been.
 */
export function quietOnClosedPipes(stdout: ErrorEmitter, stderr: ErrorEmitter, exit: (code: number) => void = (c) => process.exit(c)): void {
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') exit(0);
    else throw e;
  });
  // nothing can be reported once stderr itself fails; the run goes on
  stderr.on('error', () => {});
}
