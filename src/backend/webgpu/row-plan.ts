/**
 * How the model's rows live on the device, decided once per ModelSpec: the row order, the packed row buffers, the
 * segments the gradient kernel writes partial sums for, the lists that add segments up per level, and the
 * constants that specialise the WGSL kernels to all of this.
 *
 * Rows are sorted by the levels of the grouping factors (fewest levels first, lexicographically), so that the rows of
 * a level are contiguous for the first factor and come in few runs for the others. A tile is `tileRows` consecutive
 * rows (one workgroup of `workgroupSize` invocations, each taking `tileRows / workgroupSize` consecutive rows); a segment is a maximal run of rows with the same level of a term's factor inside one tile.
 * Per chain the gradient kernel writes `partialsPerChain` partial sums: for each tile 1 + p (+ 1) of them
 * (log-likelihood, then each fixed effect, then the auxiliary parameter's derivative when the family has one), then
 * one per segment of each term. Pass 2 reduces them into `slots` sums per chain: slot 0 the log-likelihood, 1 + j
 * fixed effect j, 1 + termROffset[t] + k level k of term t, and 1 + coefficients the auxiliary parameter.
 */
import { levelCount, type ModelSpec } from '../../model/spec.js';
import { deviceFamily, type DeviceFamily } from './family-host.js';
import type { ShaderConstant } from './shader-source.js';

const NO_COLUMN = 0xffffffff;
const NO_SEGMENT = 0xffffffff;

type Constants = Record<string, ShaderConstant>;

export interface RowPlan {
  readonly n: number;
  readonly p: number;
  /** Rows per tile = workgroupSize × rows per invocation. */
  readonly tileRows: number;
  /** Invocations per workgroup (the WG of every kernel). */
  readonly workgroupSize: number;
  readonly tiles: number;
  /** Coefficients per chain: b_0 … b_{p-1}, then r_t[0 … K_t) per term. */
  readonly coefficients: number;
  /** Parameters per chain on the device: the coefficients, then the family's per-chain values. */
  readonly paramsPerChain: number;
  /** Offset of term t's group effects inside a chain's parameters. */
  readonly termROffset: readonly number[];
  /** Sums per chain after pass 2 (= 1 + coefficients, + 1 with an auxiliary parameter). */
  readonly slots: number;
  readonly partialsPerChain: number;
  /** Backend row position → user row. */
  readonly order: Uint32Array;
  /** The family function's host side the plan was made for. */
  readonly family: DeviceFamily;
  /** Packed f32 row data (see shaders/model.wgsl). */
  readonly rowF: Float32Array;
  /**
   * Packed u32 row data: per grouping factor its level, segment-start lane and segment id columns, then the inverse
   * order, then the rows per invocation.
   */
  readonly rowU: Uint32Array;
  /** CSR lists of partials per slot (see shaders/reduce.wgsl). */
  readonly lists: Uint32Array;
  readonly constants: {
    readonly logpGrad: Constants;
    readonly reduce: Constants;
    readonly pointwise: Constants;
  };
}

/** Grouping factors used by some term, fewest levels first (ties: factor order). */
function sortKeys(spec: ModelSpec): number[] {
  const used = [...new Set(spec.terms.map((t) => t.group))];
  return used.sort((a, b) => spec.groups[a].levels.length - spec.groups[b].levels.length || a - b);
}

/** Stable lexicographic order of the rows by the factors in `keys` (most significant first), by LSD counting sort. */
function rowOrder(spec: ModelSpec, keys: readonly number[]): Uint32Array {
  let order = new Uint32Array(spec.n);
  for (let i = 0; i < spec.n; i++) order[i] = i;
  let next = new Uint32Array(spec.n);
  for (let k = keys.length - 1; k >= 0; k--) {
    const group = spec.groups[keys[k]];
    const count = new Uint32Array(group.levels.length + 1);
    for (let q = 0; q < spec.n; q++) count[group.index[order[q]] + 1]++;
    for (let l = 0; l < group.levels.length; l++) count[l + 1] += count[l];
    for (let q = 0; q < spec.n; q++) next[count[group.index[order[q]]]++] = order[q];
    [order, next] = [next, order];
  }
  return order;
}

interface Segments {
  /** Lane (within its tile) where each row's segment starts, in backend row order. */
  readonly startLane: Uint32Array;
  /** Segment id on each segment's last row, NO_SEGMENT elsewhere. */
  readonly segmentId: Uint32Array;
  /** Level of each segment. */
  readonly level: Uint32Array;
}

function segments(index: Uint32Array, order: Uint32Array, tileRows: number): Segments {
  const n = order.length;
  const startLane = new Uint32Array(n);
  const segmentId = new Uint32Array(n).fill(NO_SEGMENT);
  const levels: number[] = [];
  let start = 0;
  for (let q = 0; q < n; q++) {
    const lane = q % tileRows;
    const level = index[order[q]];
    if (lane === 0 || level !== index[order[q - 1]]) start = lane;
    startLane[q] = start;
    const last = q === n - 1 || lane === tileRows - 1 || index[order[q + 1]] !== level;
    if (last) {
      segmentId[q] = levels.length;
      levels.push(level);
    }
  }
  return { startLane, segmentId, level: Uint32Array.from(levels) };
}

/**
 * The plan for `spec` with workgroups of `workgroupSize` invocations, each of which takes `rowsPerThread`
 * consecutive rows in logp_grad.wgsl (more rows per invocation: fewer tiles, so fewer workgroup barriers per row,
 * which is what a software adapter pays most for; one row per invocation suits GPUs, whose loads then coalesce).
 * `workgroupBytes` (the device's maxComputeWorkgroupStorageSize; 16 KiB, the WebGPU minimum, by default) bounds how
 * many vec4 chunks of the fixed-effect reduction share one pass. `family` is the host side of the spec's family
 * function (made here when not given).
 */
export function planRows(
  spec: ModelSpec,
  workgroupSize: number,
  workgroupBytes = 16384,
  rowsPerThread = 1,
  family: DeviceFamily = deviceFamily(spec),
): RowPlan {
  const tileRows = workgroupSize * rowsPerThread;
  const { n } = spec;
  const p = spec.fixed.names.length;
  const tiles = Math.ceil(n / tileRows);
  const keys = sortKeys(spec);
  const order = rowOrder(spec, keys);

  // f32 columns: X, the family's row.y, row.yLo (its f32 rounding error) and row.extra, covariates
  const xTerms = spec.terms.filter((t) => t.x !== null).length;
  const extra = family.rowExtra;
  const split = family.splitY;
  const rowF = new Float32Array(n * (p + 1 + (split ? 1 : 0) + (extra ? 1 : 0) + xTerms));
  const X = spec.fixed.X;
  for (let q = 0; q < n; q++) {
    const i = order[q];
    for (let j = 0; j < p; j++) rowF[q * p + j] = X[i * p + j];
  }
  const yOff = n * p;
  let fOff = yOff + n;
  for (let q = 0; q < n; q++) rowF[yOff + q] = family.rowY[order[q]];
  const yLoOff = split ? fOff : 0;
  if (split) {
    for (let q = 0; q < n; q++) rowF[yLoOff + q] = family.rowY[order[q]] - rowF[yOff + q];
    fOff += n;
  }
  const extraOff = extra ? fOff : 0;
  if (extra) {
    for (let q = 0; q < n; q++) rowF[extraOff + q] = extra[order[q]];
    fOff += n;
  }
  const termXOff = spec.terms.map((term) => {
    if (!term.x) return NO_COLUMN;
    const off = fOff;
    for (let q = 0; q < n; q++) rowF[off + q] = term.x[order[q]];
    fOff += n;
    return off;
  });

  // u32 columns: per used factor level, start lane, segment id; then the inverse order
  // … and one last element: the rows per invocation, read at run time by logp_grad.wgsl so that the shader compiler
  // cannot unroll the row loops (a software adapter's compile time grows with the unrolled size: 21 s vs 1 s)
  const rowU = new Uint32Array(n * (3 * keys.length + 1) + 1);
  const rowsPerThreadAt = n * (3 * keys.length + 1);
  rowU[rowsPerThreadAt] = rowsPerThread;
  const factorOff = new Map<number, number>();
  const factorSegments = new Map<number, Segments>();
  keys.forEach((g, k) => {
    const off = 3 * k * n;
    const index = spec.groups[g].index;
    const seg = segments(index, order, tileRows);
    for (let q = 0; q < n; q++) rowU[off + q] = index[order[q]];
    rowU.set(seg.startLane, off + n);
    rowU.set(seg.segmentId, off + 2 * n);
    factorOff.set(g, off);
    factorSegments.set(g, seg);
  });
  const invPermOff = 3 * keys.length * n;
  for (let q = 0; q < n; q++) rowU[invPermOff + order[q]] = q;

  // parameters per chain and partials per chain
  const termROffset: number[] = [];
  let paramsPerChain = p;
  spec.terms.forEach((_, t) => {
    termROffset.push(paramsPerChain);
    paramsPerChain += levelCount(spec, t);
  });
  const coefficients = paramsPerChain;
  paramsPerChain += family.chainValueCount;
  const nDAux = family.hasAux ? 1 : 0;
  const tileStride = 1 + p + nDAux;
  const termSegBase: number[] = [];
  let partialsPerChain = tiles * tileStride;
  for (const term of spec.terms) {
    termSegBase.push(partialsPerChain);
    partialsPerChain += factorSegments.get(term.group)!.level.length;
  }
  const slots = 1 + coefficients + nDAux;
  const chunks = Math.ceil(tileStride / 4);
  // workgroup memory of logp_grad.wgsl: CHUNKS_PER_PASS · WG vec4 sums and 2 · WG f32 scan values
  const chunksPerPass = Math.max(1, Math.min(chunks, Math.floor((workgroupBytes - 8 * workgroupSize) / (16 * workgroupSize))));
  const lists = slotLists(spec, tiles, p, nDAux, slots, termSegBase, factorSegments);

  const model: Constants = {
    WG: { u32: workgroupSize },
    N_ROWS: { u32: n },
    P: { u32: p },
    N_TERMS: { u32: spec.terms.length },
    Q: { u32: paramsPerChain },
    CHAIN_OFF: { u32: coefficients },
    N_CHAIN_VALUES: { u32: family.chainValueCount },
    HAS_Y_LO: { bool: split },
    HAS_EXTRA: { bool: extra !== null },
    X_OFF: { u32: 0 },
    Y_OFF: { u32: yOff },
    Y_LO_OFF: { u32: yLoOff },
    EXTRA_OFF: { u32: extraOff },
    TERM_X_OFF: { u32s: termXOff },
    TERM_LEVEL_OFF: { u32s: spec.terms.map((t) => factorOff.get(t.group)!) },
    TERM_R_OFF: { u32s: termROffset },
  };
  return {
    n,
    p,
    tileRows,
    workgroupSize,
    tiles,
    coefficients,
    paramsPerChain,
    termROffset,
    slots,
    partialsPerChain,
    order,
    family,
    rowF,
    rowU,
    lists,
    constants: {
      logpGrad: {
        ...model,
        N_DAUX: { u32: nDAux },
        ROWS_PER_THREAD: { u32: rowsPerThread },
        ROWS_PER_THREAD_AT: { u32: rowsPerThreadAt },
        TILE_STRIDE: { u32: tileStride },
        N_CHUNKS: { u32: chunks },
        CHUNKS_PER_PASS: { u32: chunksPerPass },
        PARTIALS_PER_CHAIN: { u32: partialsPerChain },
        TERM_RUN_START_OFF: { u32s: spec.terms.map((t) => factorOff.get(t.group)! + n) },
        TERM_SEG_OFF: { u32s: spec.terms.map((t) => factorOff.get(t.group)! + 2 * n) },
        TERM_SEG_BASE: { u32s: termSegBase },
      },
      reduce: {
        WG: { u32: workgroupSize },
        N_SLOTS: { u32: slots },
        PARTIALS_PER_CHAIN: { u32: partialsPerChain },
      },
      pointwise: { ...model, INV_PERM_OFF: { u32: invPermOff } },
    },
  };
}

/**
 * CSR table: for each slot, the offsets (within a chain's partials) of the partial sums that make it up. Tile
 * components 0 … p are slots 0 … p; component 1 + p (the auxiliary derivative, when nDAux = 1) is the last slot.
 */
function slotLists(
  spec: ModelSpec,
  tiles: number,
  p: number,
  nDAux: number,
  slots: number,
  termSegBase: readonly number[],
  factorSegments: ReadonlyMap<number, Segments>,
): Uint32Array {
  const tileStride = 1 + p + nDAux;
  let entries = tiles * tileStride;
  for (const term of spec.terms) entries += factorSegments.get(term.group)!.level.length;
  const lists = new Uint32Array(slots + 1 + entries);
  const ptr = lists.subarray(0, slots + 1);
  const list = lists.subarray(slots + 1);
  let e = 0;
  const tileSlot = (slot: number, k: number): void => {
    ptr[slot] = e;
    for (let tile = 0; tile < tiles; tile++) list[e++] = tile * tileStride + k;
  };
  for (let k = 0; k <= p; k++) tileSlot(k, k);
  let slot = 1 + p;
  spec.terms.forEach((term, t) => {
    const segLevel = factorSegments.get(term.group)!.level;
    const K = levelCount(spec, t);
    // counting sort of the term's segments by level; within a level, segments stay in row order
    const start = new Uint32Array(K + 1);
    for (let s = 0; s < segLevel.length; s++) start[segLevel[s] + 1]++;
    for (let k = 0; k < K; k++) start[k + 1] += start[k];
    for (let k = 0; k < K; k++) ptr[slot + k] = e + start[k];
    const fill = start.slice(0, K);
    for (let s = 0; s < segLevel.length; s++) list[e + fill[segLevel[s]]++] = termSegBase[t] + s;
    e += segLevel.length;
    slot += K;
  });
  if (nDAux) tileSlot(slot, 1 + p);
  ptr[slots] = e;
  return lists;
}
