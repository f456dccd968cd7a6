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

/**
 * `shared`: the values live in a SharedArrayBuffer where the platform has one (Node; a cross-origin-isolated page),
 * so that the threaded summary (src/diagnostics/summary-parallel.ts) reads them where they are instead of copying
 * them — for 10⁵ group effects × 4,000 draws that copy alone was 6.4 GB.
 */
export function makeDrawSet(names: readonly string[], nChains: number, nDraws: number, options: { readonly shared?: boolean } = {}): DrawSet {
  const length = names.length * nChains * nDraws;
  const values = options.shared && typeof SharedArrayBuffer === 'function' ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
  return { names, nChains, nDraws, values };
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
