/**
 * posteriorMeanProbability against two references: the closed form (1/S) Σ_s sigmoid(Σ_j X_ij b_js + x_i r_{g(i),s})
 * written out row by row from the spec, and scoreFrame's per-row posterior mean (src/decision/scoring.ts, which builds
 * the design again from the recipe and, for a 0/1 treatment, takes each row's own arm).
 */
import { describe, expect, it } from 'vitest';
import { mainParameterDraws } from '../../src/analyses/fit-figures.js';
import { posteriorMeanProbability } from '../../src/analyses/row-probability.js';
import { builtinDataset } from '../../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../../src/data/hillstrom.js';
import { prepareScoring } from '../../src/decision/scoring-model.js';
import { scoreFrame } from '../../src/decision/scoring.js';
import type { DrawSet } from '../../src/draws.js';
import { buildModel } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import { Rng } from '../../src/rng.js';

const { frame } = builtinDataset('hillstrom', 3, 400);
const built = buildModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical });
const { spec } = built;

/** Random draws of every constrained variable: 2 chains × 25 draws. */
function randomDraws(): DrawSet {
  const names = constrainedNames(spec);
  const nChains = 2;
  const nDraws = 25;
  const rng = new Rng(9, 0);
  const values = new Float64Array(names.length * nChains * nDraws);
  for (let k = 0; k < values.length; k++) values[k] = 0.6 * (rng.uniform() - 0.5) * 2;
  return { names, nChains, nDraws, values };
}

function closedForm(draws: DrawSet, useDraws: readonly number[]): Float64Array {
  const S = draws.nChains * draws.nDraws;
  const at = (name: string, s: number): number => draws.values[draws.names.indexOf(name) * S + s];
  const p = spec.fixed.names.length;
  const out = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    let sum = 0;
    for (const s of useDraws) {
      let eta = 0;
      for (let j = 0; j < p; j++) eta += spec.fixed.X[i * p + j] * at(`b_${spec.fixed.names[j]}`, s);
      for (const term of spec.terms) {
        const g = spec.groups[term.group];
        const r = at(`r_${g.name}__${term.term}[${g.index[i] + 1}]`, s);
        eta += (term.x ? term.x[i] : 1) * r;
      }
      sum += 1 / (1 + Math.exp(-eta));
    }
    out[i] = sum / useDraws.length;
  }
  return out;
}

describe('posteriorMeanProbability', () => {
  const draws = randomDraws();
  const S = draws.nChains * draws.nDraws;

  it('equals the closed form over all draws and scoreFrame per row', () => {
    const got = posteriorMeanProbability(spec, draws);
    const want = closedForm(draws, Array.from({ length: S }, (_, s) => s));
    const scored = scoreFrame(prepareScoring({ recipe: built.recipe, draws }), frame).probability;
    if (!scored) throw new Error('no probability from scoreFrame');
    let worst = 0;
    for (let i = 0; i < spec.n; i++) {
      worst = Math.max(worst, Math.abs(got[i] - want[i]), Math.abs(got[i] - scored.mean[i]));
    }
    expect(worst).toBeLessThan(1e-13);
  });

  it('uses evenly spaced draws when maxDraws is below the total', () => {
    const got = posteriorMeanProbability(spec, draws, { maxDraws: 10 });
    const want = closedForm(draws, Array.from({ length: 10 }, (_, u) => Math.floor((u * S) / 10)));
    for (let i = 0; i < spec.n; i++) expect(got[i]).toBeCloseTo(want[i], 13);
  });
});

describe('mainParameterDraws', () => {
  it('copies the b_* and sd_* variables in order, at most max of them', () => {
    const draws = randomDraws();
    const S = draws.nChains * draws.nDraws;
    const main = draws.names.filter((n) => n.startsWith('b_') || n.startsWith('sd_'));
    const { chains, total } = mainParameterDraws(draws, 3);
    expect(total).toBe(main.length);
    expect(chains.names).toEqual(main.slice(0, 3));
    expect([chains.nChains, chains.nDraws]).toEqual([draws.nChains, draws.nDraws]);
    chains.names.forEach((name, j) => {
      const v = draws.names.indexOf(name);
      expect(Array.from(chains.values.subarray(j * S, (j + 1) * S))).toEqual(Array.from(draws.values.subarray(v * S, (v + 1) * S)));
    });
    expect(chains.values.buffer).not.toBe(draws.values.buffer);
    expect(mainParameterDraws(draws).chains.names).toEqual(main.slice(0, 8));
  });
});
