/**
 * Initial values: uniform(−R, R) on the unconstrained scale (Stan's default, R = 2), drawn from each chain's own
 * stream and redrawn while the log density or its gradient is not finite (up to 100 tries), or values the caller
 * supplies (e.g. a posterior mode for `--init map`). All chains are evaluated in one target call per round.
 */
import { UserError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { LogDensityTarget } from './nuts.js';
import type { ChainStates } from './adaptation/step-size-init.js';

export const MAX_INIT_TRIES = 100;

function finiteState(states: ChainStates, c: number, d: number): boolean {
  if (!Number.isFinite(states.logp[c])) return false;
  for (let i = c * d; i < (c + 1) * d; i++) if (!Number.isFinite(states.grad[i])) return false;
  return true;
}

/**
 * Fills states (positions, gradients, log densities) with valid initial values for every chain. Adds each chain's
 * gradient evaluations to gradientCount; returns the number of target calls.
 */
export async function initializeChains(
  target: LogDensityTarget,
  nChains: number,
  init: Float64Array | 'random',
  rngs: readonly Rng[],
  states: ChainStates,
  gradientCount: Float64Array,
  radius = 2,
): Promise<number> {
  const d = target.dim;
  const active = new Uint8Array(nChains).fill(1);
  if (init !== 'random') {
    if (init.length !== nChains * d) {
      throw new UserError(
        `initial values have ${init.length} numbers but ${nChains} chains × ${d} parameters = ${nChains * d} are needed`,
      );
    }
    states.q.set(init);
    await target.logDensityGradient(states.q, nChains, states.logp, states.grad, active);
    for (let c = 0; c < nChains; c++) {
      gradientCount[c]++;
      if (!finiteState(states, c, d)) {
        throw new UserError(
          `chain ${c + 1}: the log density or its gradient is not finite at the given initial values; use other values or --init random`,
        );
      }
    }
    return 1;
  }
  let calls = 0;
  for (let attempt = 1; ; attempt++) {
    let pending = 0;
    for (let c = 0; c < nChains; c++) {
      if (!active[c]) continue;
      pending++;
      for (let i = c * d; i < (c + 1) * d; i++) states.q[i] = rngs[c].uniformRange(-radius, radius);
    }
    if (pending === 0) return calls;
    if (attempt > MAX_INIT_TRIES) {
      const failed = [...active].map((a, c) => (a ? c + 1 : 0)).filter((c) => c > 0);
      throw new UserError(
        `no finite log density found for chain(s) ${failed.slice(0, 5).join(', ')} after ${MAX_INIT_TRIES} random initial values in (−${radius}, ${radius}); check the model and priors, or give initial values (--init map)`,
      );
    }
    await target.logDensityGradient(states.q, nChains, states.logp, states.grad, active);
    calls++;
    for (let c = 0; c < nChains; c++) {
      if (!active[c]) continue;
      gradientCount[c]++;
      if (finiteState(states, c, d)) active[c] = 0;
    }
  }
}
