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
  /**
   * The rows in chunks of `chunkRows` backend rows (the last may be shorter), each with its own buffers, so that no
   * buffer exceeds the device's limits: one chunk when all rows fit.
   */
  readonly chunks: readonly RowChunk[];
  /** Rows per chunk (a whole number of tiles unless there is one chunk): the stride of the chunks' columns. */
  readonly chunkRows: number;
  /** Backend row of each user row (the inverse of `order`). */
  readonly position: Uint32Array;
  /** CSR lists of partials per slot (see shaders/reduce.wgsl). */
  readonly lists: Uint32Array;
  readonly constants: {
    readonly logpGrad: Constants;
    readonly reduce: Constants;
    readonly pointwise: Constants;
  };
}

/** A chunk of consecutive backend rows with its packed buffers. */
export interface RowChunk {
  /** Its first backend row, and first tile. */
  readonly firstRow: number;
  readonly firstTile: number;
  readonly rows: number;
  readonly tiles: number;
  /** Packed f32 row data (see shaders/model.wgsl), columns of `chunkRows` rows. */
  readonly rowF: Float32Array;
  /**
   * Packed u32 row data: per grouping factor its level, segment-start lane and segment id columns (segment ids are
   * global), then the rows per invocation, the chunk's row count and its first tile (read at run time).
   */
  readonly rowU: Uint32Array;
}

/** f32 and u32 values per row of a spec's packed buffers, and u32 values after the rows (see planRows). */
export function rowValues(spec: ModelSpec, family: DeviceFamily = deviceFamily(spec)): { readonly f32: number; readonly u32: number; readonly u32Tail: number } {
  const p = spec.fixed.names.length;
  const xTerms = spec.terms.filter((t) => t.x !== null).length;
  return { f32: p + 1 + (family.splitY ? 1 : 0) + (family.rowExtra ? 1 : 0) + xTerms, u32: 3 * sortKeys(spec).length, u32Tail: 3 };
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
  /** Most rows per chunk (rounded down to whole tiles, at least one tile); default: all rows in one chunk. */
  maxChunkRows = Infinity,
): RowPlan {
  const tileRows = workgroupSize * rowsPerThread;
  const { n } = spec;
  const p = spec.fixed.names.length;
  const tiles = Math.ceil(n / tileRows);
  const keys = sortKeys(spec);
  const order = rowOrder(spec, keys);
  const chunkRows = n <= maxChunkRows ? n : Math.max(1, Math.floor(maxChunkRows / tileRows)) * tileRows;
  const C = chunkRows;
  const nChunks = Math.max(1, Math.ceil(n / C));

  // f32 columns of each chunk (stride C): X, the family's row.y, row.yLo (its f32 rounding error) and row.extra,
  // covariates; offsets are the same in every chunk
  const xTerms = spec.terms.filter((t) => t.x !== null).length;
  const extra = family.rowExtra;
  const split = family.splitY;
  const yOff = C * p;
  let fOff = yOff + C;
  const yLoOff = split ? fOff : 0;
  if (split) fOff += C;
  const extraOff = extra ? fOff : 0;
  if (extra) fOff += C;
  const termXOff = spec.terms.map((term) => {
    if (!term.x) return NO_COLUMN;
    const off = fOff;
    fOff += C;
    return off;
  });
  const fLength = C * (p + 1 + (split ? 1 : 0) + (extra ? 1 : 0) + xTerms);

  // u32 columns: per used factor level, start lane, segment id (segments over all rows; a chunk is whole tiles, so
  // no segment crosses chunks)
  // … and three last elements: the rows per invocation, read at run time by logp_grad.wgsl so that the shader
  // compiler cannot unroll the row loops (a software adapter's compile time grows with the unrolled size: 21 s vs
  // 1 s), the chunk's row count and its first tile
  const rowsPerThreadAt = C * 3 * keys.length;
  const factorOff = new Map<number, number>();
  const factorSegments = new Map<number, Segments>();
  keys.forEach((g, k) => {
    factorOff.set(g, 3 * k * C);
    factorSegments.set(g, segments(spec.groups[g].index, order, tileRows));
  });
  const rowChunks: RowChunk[] = [];
  for (let c = 0; c < nChunks; c++) {
    const q0 = c * C;
    const rows = Math.min(C, n - q0);
    const rowF = new Float32Array(fLength);
    const X = spec.fixed.X;
    for (let q = 0; q < rows; q++) {
      const i = order[q0 + q];
      for (let j = 0; j < p; j++) rowF[q * p + j] = X[i * p + j];
      rowF[yOff + q] = family.rowY[i];
      if (split) rowF[yLoOff + q] = family.rowY[i] - rowF[yOff + q];
      if (extra) rowF[extraOff + q] = extra[i];
    }
    spec.terms.forEach((term, t) => {
      if (!term.x) return;
      const x = term.x;
      for (let q = 0; q < rows; q++) rowF[termXOff[t] + q] = x[order[q0 + q]];
    });
    const rowU = new Uint32Array(rowsPerThreadAt + 3);
    rowU[rowsPerThreadAt] = rowsPerThread;
    rowU[rowsPerThreadAt + 1] = rows;
    rowU[rowsPerThreadAt + 2] = q0 / tileRows;
    keys.forEach((g) => {
      const off = factorOff.get(g)!;
      const index = spec.groups[g].index;
      const seg = factorSegments.get(g)!;
      for (let q = 0; q < rows; q++) rowU[off + q] = index[order[q0 + q]];
      rowU.set(seg.startLane.subarray(q0, q0 + rows), off + C);
      rowU.set(seg.segmentId.subarray(q0, q0 + rows), off + 2 * C);
    });
    rowChunks.push({ firstRow: q0, firstTile: q0 / tileRows, rows, tiles: Math.ceil(rows / tileRows), rowF, rowU });
  }
  const position = new Uint32Array(n);
  for (let q = 0; q < n; q++) position[order[q]] = q;

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
    N_ROWS: { u32: C },
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
    chunks: rowChunks,
    chunkRows: C,
    position,
    lists,
    constants: {
      logpGrad: {
        ...model,
        N_DAUX: { u32: nDAux },
        ROWS_PER_THREAD: { u32: rowsPerThread },
        ROWS_PER_THREAD_AT: { u32: rowsPerThreadAt },
        ROWS_AT: { u32: rowsPerThreadAt + 1 },
        FIRST_TILE_AT: { u32: rowsPerThreadAt + 2 },
        TILE_STRIDE: { u32: tileStride },
        N_CHUNKS: { u32: chunks },
        CHUNKS_PER_PASS: { u32: chunksPerPass },
        PARTIALS_PER_CHAIN: { u32: partialsPerChain },
        TERM_RUN_START_OFF: { u32s: spec.terms.map((t) => factorOff.get(t.group)! + C) },
        TERM_SEG_OFF: { u32s: spec.terms.map((t) => factorOff.get(t.group)! + 2 * C) },
        TERM_SEG_BASE: { u32s: termSegBase },
      },
      reduce: {
        WG: { u32: workgroupSize },
        N_SLOTS: { u32: slots },
        PARTIALS_PER_CHAIN: { u32: partialsPerChain },
      },
      pointwise: model,
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
