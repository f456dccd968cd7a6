/**
 * The likelihood's own coordinates (issue 16). A row's log-likelihood depends on the fixed effects b, the effects r
 * of the row's levels and the family's auxiliary parameter only — never on how the sampler held them (non-centered z,
 * split or Helmert-rotated coordinates, folded means, the fixed effects' QR basis, correlated blocks, signed or
 * scaled sds). `likelihoodSpec` is the model with every term centered and nothing folded, rotated, scaled or
 * correlated: a backend built on it needs none of those coordinate maps, and its coordinates are read straight from
 * the constrained draws (`likelihoodSources`): b and r as they are, log sd and log aux. So the pointwise
 * log-likelihood of a block of rows needs only the coordinates those rows read (`rowCoordinates`): the fixed ones
 * and the rows' levels, not every level of a 10⁵-level term for every draw.
 */
import { constrainedNames } from './layout.js';
import { levelCount, type ModelSpec, type VaryingTerm } from './spec.js';

/** The model as its likelihood sees it: every term centered, no fold, rotation, basis, scaled or signed sd, or block. */
export function likelihoodSpec(spec: ModelSpec): ModelSpec {
  const terms: VaryingTerm[] = spec.terms.map((t) => {
    const { foldColumn: _fold, groupLevelFold: _groupLevel, signedScale: _signed, levelInformation: _information, ...plain } = t;
    return { ...plain, parameterization: 'centered' };
  });
  // a correlated block's partial-correlation coordinates stay in dim, unused: the likelihood never reads them
  const { correlated: _blocks, ...rest } = spec;
  return { ...rest, terms, fixedBasis: null };
}

/** Per coordinate of a likelihood spec, the constrained draw that gives it. */
export interface LikelihoodSources {
  /** Index among the draws' names, or -1 for a coordinate the likelihood never reads (a block's correlations). */
  readonly source: Int32Array;
  /** 1 where the coordinate is the log of its draw (an sd, the aux), 0 where it is the draw itself. */
  readonly log: Uint8Array;
}

/**
 * Where each coordinate of `lik` (likelihoodSpec of the run's model) is among `names` (the constrained draws' names,
 * bracket form); `missing` is called with the first name that is not there and must throw.
 */
export function likelihoodSources(lik: ModelSpec, names: readonly string[], missing: (name: string) => never): LikelihoodSources {
  const index = new Map(names.map((n, i) => [n, i]));
  const wanted = constrainedNames(lik);
  // a centered spec's constrained order: b (p), sd per term, the aux, r per term (layout.ts constrainedNames)
  const p = lik.fixed.names.length;
  const coordinates: number[] = [];
  const logged: boolean[] = [];
  for (let j = 0; j < p; j++) coordinates.push(j), logged.push(false);
  for (const t of lik.terms) coordinates.push(t.sdIndex), logged.push(true);
  for (const a of lik.aux ?? []) coordinates.push(a.index), logged.push(true);
  lik.terms.forEach((t, i) => {
    for (let k = 0; k < levelCount(lik, i); k++) coordinates.push(t.offset + k), logged.push(false);
  });
  if (coordinates.length !== wanted.length) throw new Error(`likelihoodSources: ${coordinates.length} coordinates for ${wanted.length} constrained names`);
  const source = new Int32Array(lik.dim).fill(-1);
  const log = new Uint8Array(lik.dim);
  wanted.forEach((name, i) => {
    const v = index.get(name);
    if (v === undefined) missing(name);
    source[coordinates[i]] = v;
    log[coordinates[i]] = logged[i] ? 1 : 0;
  });
  return { source, log };
}

/**
 * A reader of the coordinates of `lik` that rows rowStart … rowStart + rowCount − 1 read, each once: every one that is
 * no term's level (fixed effects, log sds, the aux; ascending, first), then each term's levels among those rows (in
 * row order). The returned array is overwritten by the next call. Cost per call: the rows, not the levels.
 */
export function rowCoordinateReader(lik: ModelSpec): (rowStart: number, rowCount: number) => Uint32Array {
  const isLevel = new Uint8Array(lik.dim);
  lik.terms.forEach((t, i) => isLevel.fill(1, t.offset, t.offset + levelCount(lik, i)));
  const others: number[] = [];
  for (let j = 0; j < lik.dim; j++) if (!isLevel[j]) others.push(j);
  // stamp[j] = the call that last listed coordinate j (calls counted from 1), so no clearing between calls
  const stamp = new Uint32Array(lik.dim);
  let call = 0;
  let out = new Uint32Array(0);
  return (rowStart, rowCount) => {
    const size = others.length + rowCount * lik.terms.length;
    if (out.length < size) out = new Uint32Array(size);
    call++;
    out.set(others);
    let at = others.length;
    for (const t of lik.terms) {
      const level = lik.groups[t.group].index;
      for (let i = rowStart; i < rowStart + rowCount; i++) {
        const j = t.offset + level[i];
        if (stamp[j] !== call) {
          stamp[j] = call;
          out[at++] = j;
        }
      }
    }
    return out.subarray(0, at);
  };
}
