/**
 * Warnings for sampler settings that are valid but probably not what the user wants (issue 14 item 3): too few
 * kept draws per chain for the diagnostics to mean anything, and more native threads than the machine has cores.
 * One line each, without the "warning: " prefix (the caller prints and records them).
 */
import { availableParallelism } from 'node:os';

/** Fewer kept draws per chain than this and split-R-hat / ESS are undefined or meaningless (R posterior needs 4). */
export const MIN_KEPT_DRAWS = 4;

export interface SettingsForWarnings {
  /** Post-warm-up draws per chain and the thinning; leave out for runs that do not sample (--method map). */
  readonly draws?: number;
  readonly thin?: number;
  /** Requested native threads; undefined = the default (all cores; one for a small model, src/backend/work-size.ts). */
  readonly threads?: number;
  /** The machine's cores; default os.availableParallelism(). */
  readonly cores?: number;
}

export function settingsWarnings(s: SettingsForWarnings): string[] {
  const warnings: string[] = [];
  // the sampler keeps iterations 0, thin, 2·thin, … of the draws (src/sampler/run.ts)
  const kept = s.draws === undefined ? Infinity : Math.ceil(s.draws / (s.thin ?? 1));
  if (kept < MIN_KEPT_DRAWS) {
    warnings.push(
      `--thin ${s.thin ?? 1} keeps ${kept} of ${s.draws} draws per chain (fewer than ${MIN_KEPT_DRAWS}): R-hat and ESS cannot be ` +
        `estimated; raise --draws or lower --thin`,
    );
  }
  const cores = s.cores ?? availableParallelism();
  if (s.threads !== undefined && s.threads > cores) {
    warnings.push(
      `--threads ${s.threads} is more than this machine's ${cores} cores: the extra threads only take turns and ` +
        `slow each gradient; use --threads ${cores} or leave it out`,
    );
  }
  return warnings;
}
