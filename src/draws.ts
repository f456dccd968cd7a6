/**
 * Draws: posterior draws as one typed array with names. Layout is variable-major so that every variable's chains
 * are contiguous: values[(v · nChains + c) · nDraws + d].
 */
export interface DrawSet {
  readonly names: readonly string[];
  readonly nChains: number;
  /** Draws per chain. */
  readonly nDraws: number;
  readonly values: Float64Array;
}

export function makeDrawSet(names: readonly string[], nChains: number, nDraws: number): DrawSet {
  return { names, nChains, nDraws, values: new Float64Array(names.length * nChains * nDraws) };
}

/** The draws of variable v in chain c (a view, not a copy). */
export function chainDraws(ds: DrawSet, v: number, c: number): Float64Array {
  const start = (v * ds.nChains + c) * ds.nDraws;
  return ds.values.subarray(start, start + ds.nDraws);
}

/** All draws of variable v, chains concatenated (a view). */
export function variableDraws(ds: DrawSet, v: number): Float64Array {
  const size = ds.nChains * ds.nDraws;
  return ds.values.subarray(v * size, (v + 1) * size);
}

export function variableIndex(ds: DrawSet, name: string): number {
  const i = ds.names.indexOf(name);
  if (i < 0) throw new Error(`no variable named ${name}`);
  return i;
}
