// Log-likelihood and its gradient for a batch of chains: pass 1 of 2.
// One workgroup per (tile of WG × ROWS_PER_THREAD rows, chain); each invocation takes ROWS_PER_THREAD consecutive
// rows of the tile. Each workgroup writes partial sums:
//   partials[c · PARTIALS_PER_CHAIN + tile · TILE_STRIDE + 0]      sum of log-likelihood over the tile
//   partials[c · PARTIALS_PER_CHAIN + tile · TILE_STRIDE + 1 + j]  sum of X[i, j] · dEta_i
//   partials[c · PARTIALS_PER_CHAIN + tile · TILE_STRIDE + 1 + P]  sum of dAux_i (when N_DAUX = 1: families with
//                                                                  an auxiliary parameter)
//   partials[c · PARTIALS_PER_CHAIN + TERM_SEG_BASE[t] + s]        sum of x_t[i] · dEta_i over segment s of term t
// A segment is a run of rows with the same level inside one tile (rows are sorted by level on the host), so a
// level's sum is the sum of its segments; reduce.wgsl adds them up (pass 2). No atomics anywhere.
//
// The rows come in chunks (row-plan.ts: several buffers when one would exceed the device's limits), one dispatch per
// chunk with the chunk's rowF and rowU bound: `tile` above is the chunk's first tile (rowU[FIRST_TILE_AT]) plus the
// workgroup's, and the chunk's rows are rowU[ROWS_AT] (N_ROWS is the stride of its columns).
//
// Extra prologue constants: WG, N_DAUX, ROWS_PER_THREAD (also at rowU[ROWS_PER_THREAD_AT], where the row loops read it: a
// bound the compiler cannot see is a loop it does not unroll), ROWS_AT, FIRST_TILE_AT, TILE_STRIDE, PARTIALS_PER_CHAIN, N_CHUNKS = ceil(TILE_STRIDE / 4),
// CHUNKS_PER_PASS (vec4 chunks reduced together, as many as workgroup memory holds),
// TERM_RUN_START_OFF[t] (rowU column: row within the tile where the row's segment starts),
// TERM_SEG_OFF[t] (rowU column: the segment id on the segment's last row, NO_SEGMENT elsewhere), TERM_SEG_BASE[t].
//
// Barriers are what a workgroup pays for most on a software adapter (each one switches every invocation), so the
// host gives such adapters many rows per invocation, and the reductions use as few barriers as they can: all chunks
// of a pass share one tree (log2(WG) + 1 barriers per pass), and the scans ping-pong between two halves of `scan`
// (log2(WG) + 2 barriers per term).

@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

const NO_SEGMENT: u32 = 0xffffffffu;

var<workgroup> sums: array<vec4<f32>, WG * CHUNKS_PER_PASS>;
var<workgroup> scan: array<f32, 2u * WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let tile = rowU[FIRST_TILE_AT] + wid.x;
  let chain = wid.y;
  let nRows = rowU[ROWS_AT];
  let laneFirst = lane * ROWS_PER_THREAD; // first row of this invocation, within the tile
  let first = wid.x * WG * ROWS_PER_THREAD + laneFirst; // within the chunk
  let paramBase = chain * Q;
  let out = chain * PARTIALS_PER_CHAIN;
  let rows = min(rowU[ROWS_PER_THREAD_AT], ROWS_PER_THREAD);
  let chainAux = chainValues(paramBase);

  // this invocation's rows: log-likelihood and fixed-effect sums, Neumaier-compensated; dEta kept for the terms
  var dEta: array<f32, ROWS_PER_THREAD>;
  var acc: array<f32, TILE_STRIDE>;
  var comp: array<f32, TILE_STRIDE>;
  for (var k = 0u; k < rows; k++) {
    let i = first + k;
    if (i < nRows) {
      let r = rowTerm(i, linearPredictor(i, paramBase), chainAux);
      dEta[k] = r.dEta;
      for (var m = 0u; m < TILE_STRIDE; m++) {
        var x = r.logLik;
        if (m > P) {
          x = r.dAux;
        } else if (m > 0u) {
          x = rowF[X_OFF + i * P + (m - 1u)] * r.dEta;
        }
        let s = acc[m] + x;
        if (abs(acc[m]) >= abs(x)) {
          comp[m] += (acc[m] - s) + x;
        } else {
          comp[m] += (x - s) + acc[m];
        }
        acc[m] = s;
      }
    }
  }

  // fixed effects and log-likelihood: tree reduction of CHUNKS_PER_PASS vec4 chunks at a time
  for (var firstChunk = 0u; firstChunk < N_CHUNKS; firstChunk += CHUNKS_PER_PASS) {
    if (firstChunk > 0u) {
      workgroupBarrier(); // lane 0 has read the previous pass's totals
    }
    for (var c = 0u; c < CHUNKS_PER_PASS; c++) {
      var v = vec4<f32>(0.0);
      for (var m = 0u; m < 4u; m++) {
        let k = (firstChunk + c) * 4u + m;
        if (k < TILE_STRIDE) {
          v[m] = acc[k] + comp[k];
        }
      }
      sums[c * WG + lane] = v;
    }
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
      if (lane < stride) {
        for (var c = 0u; c < CHUNKS_PER_PASS; c++) {
          sums[c * WG + lane] = sums[c * WG + lane] + sums[c * WG + lane + stride];
        }
      }
      workgroupBarrier();
    }
    if (lane == 0u) {
      for (var c = 0u; c < CHUNKS_PER_PASS; c++) {
        let total = sums[c * WG];
        for (var m = 0u; m < 4u; m++) {
          let k = (firstChunk + c) * 4u + m;
          if (k < TILE_STRIDE) {
            partials[out + tile * TILE_STRIDE + k] = total[m];
          }
        }
      }
    }
  }

  // varying effects, per term: a segment's sum is written by the invocation holding its last row.
  //  1. each invocation sums its rows since the last segment start among them (all its rows if none starts there);
  //  2. a segmented inclusive scan (Hillis–Steele) of those sums across invocations, where the segment of
  //     invocation l is that of its last row, starting at invocation startLane / ROWS_PER_THREAD: afterwards scan
  //     holds, for each invocation, its last row's segment summed from the segment's start;
  //  3. each invocation runs through its rows again, starting from its predecessor's scan value when its first row's
  //     segment began earlier, and writes the sum at each segment's last row.
  // The scan reads one half of `scan` (offset src) and writes the other, one barrier per step.
  let valid = first < nRows;
  for (var t = 0u; t < N_TERMS; t++) {
    var tail = 0.0;
    var segmentLane = lane; // invocation where the segment of this invocation's last row starts
    if (valid) {
      var lastStart = 0u;
      for (var k = 0u; k < rows; k++) {
        let i = first + k;
        if (i < nRows) {
          lastStart = rowU[TERM_RUN_START_OFF[t] + i];
          if (lastStart == laneFirst + k) {
            tail = 0.0;
          }
          tail += termCovariate(t, i) * dEta[k];
        }
      }
      segmentLane = lastStart / ROWS_PER_THREAD;
    }
    scan[lane] = tail;
    workgroupBarrier();
    var src = 0u;
    for (var d = 1u; d < WG; d = d * 2u) {
      var total = scan[src + lane];
      if (lane >= segmentLane + d) {
        total += scan[src + lane - d];
      }
      scan[(WG - src) + lane] = total;
      src = WG - src;
      workgroupBarrier();
    }
    if (valid) {
      var run = 0.0;
      if (lane > 0u && rowU[TERM_RUN_START_OFF[t] + first] < laneFirst) {
        run = scan[src + lane - 1u];
      }
      for (var k = 0u; k < rows; k++) {
        let i = first + k;
        if (i < nRows) {
          if (rowU[TERM_RUN_START_OFF[t] + i] == laneFirst + k) {
            run = 0.0;
          }
          run += termCovariate(t, i) * dEta[k];
          let seg = rowU[TERM_SEG_OFF[t] + i];
          if (seg != NO_SEGMENT) {
            partials[out + TERM_SEG_BASE[t] + seg] = run;
          }
        }
      }
    }
    workgroupBarrier(); // every invocation has read its predecessor's scan value before the next term writes
  }
}
