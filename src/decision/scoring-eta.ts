/**
 * The linear predictor of a block of rows for every posterior draw (B × S, row-major), and the effects of the
 * block's rows at group levels the model has not seen (src/decision/new-levels.ts).
 */
import { NEW_LEVEL, type Design } from '../model/recipe.js';
import { drawNewLevel, newLevelStream, type NewLevelMode } from './new-levels.js';
import type { ScoringModel } from './scoring-model.js';

/**
 * η for rows [i0, i1) and every draw: eta[(i − i0) · S + s], the design's offset included
 * (recomputed from the rows' own columns by the recipe). A row at a new group level adds, for that group's terms,
 * newEffects[t][(i − i0) · S + s] when `newEffects` has term t's block of new-level effects, else nothing (r = 0).
 */
export function linearPredictorBlock(
  model: ScoringModel,
  design: Design,
  i0: number,
  i1: number,
  eta: Float64Array,
  newEffects: readonly (Float64Array | null)[] | null = null,
): void {
  const S = model.nDraws;
  const p = model.recipe.fixed.length;
  const { X, offset } = design;
  const { b } = model;
  for (let i = i0; i < i1; i++) {
    const out = (i - i0) * S;
    const row = i * p;
    const o = offset ? offset[i] : 0;
    for (let s = 0; s < S; s++) {
      let acc = o;
      const bs = s * p;
      for (let j = 0; j < p; j++) acc += X[row + j] * b[bs + j];
      eta[out + s] = acc;
    }
  }
  design.indexed.forEach(({ index, x }, f) => {
    const cells = model.indexed?.[f];
    if (!cells) throw new Error('linearPredictorBlock: the scoring model lacks the indexed terms of its recipe');
    for (let i = i0; i < i1; i++) {
      const column = cells[index[i]];
      const xi = x === null ? 1 : x[i];
      if (column === null || xi === 0) continue;
      const out = (i - i0) * S;
      for (let s = 0; s < S; s++) eta[out + s] += xi * column[s];
    }
  });
  model.recipe.terms.forEach((term, t) => {
    const index = design.groupIndex[term.group];
    const x = design.x[t];
    const r = model.r[t];
    const fresh = newEffects?.[t] ?? null;
    for (let i = i0; i < i1; i++) {
      const g = index[i];
      const xi = x === null ? 1 : x[i];
      if (xi === 0 || (g === NEW_LEVEL && fresh === null)) continue;
      const out = (i - i0) * S;
      const source = g === NEW_LEVEL ? (fresh as Float64Array) : r;
      const start = g === NEW_LEVEL ? out : g * S;
      for (let s = 0; s < S; s++) eta[out + s] += xi * source[start + s];
    }
  });
}

/**
 * The effects of the block's rows at new levels, by `mode` (not zero), into effects[t] (B × S, row-major from row
 * i0) for every term t of each group in `groups`; `levelName(g, i)` names row i's level of group g.
 */
export function fillNewEffects(
  model: ScoringModel,
  groupIndex: readonly Uint32Array[],
  groups: readonly number[],
  levelName: (g: number, i: number) => string,
  mode: Exclude<NewLevelMode, 'zero'>,
  seed: number,
  i0: number,
  i1: number,
  effects: readonly (Float64Array | null)[],
  scratch: Float64Array,
): void {
  const S = model.nDraws;
  for (const g of groups) {
    const spread = model.spreads[g];
    const K = model.recipe.groups[g].levels.length;
    const index = groupIndex[g];
    for (let i = i0; i < i1; i++) {
      if (index[i] !== NEW_LEVEL) continue;
      drawNewLevel(mode, spread, model.r, K, S, newLevelStream(seed, spread.group, levelName(g, i)), scratch);
      const out = (i - i0) * S;
      spread.terms.forEach((t, j) => {
        const block = effects[t] as Float64Array;
        for (let s = 0; s < S; s++) block[out + s] = scratch[j * S + s];
      });
    }
  }
}
