// Log-likelihood and its gradient for a batch of chains: pass 1 of 2.
// One workgroup per (tile of WG rows, chain); one invocation per row. Each workgroup writes partial sums:
//   partials[c · PARTIALS_PER_CHAIN + tile · TILE_STRIDE + 0]      sum of log-likelihood over the tile
//   partials[c · PARTIALS_PER_CHAIN + tile · TILE_STRIDE + 1 + j]  sum of X[i, j] · dEta_i
//   partials[c · PARTIALS_PER_CHAIN + TERM_SEG_BASE[t] + s]        sum of x_t[i] · dEta_i over segment s of term t
// A segment is a run of rows with the same level inside one tile (rows are sorted by level on the host), so a
// level's sum is the sum of its segments; reduce.wgsl adds them up (pass 2). No atomics anywhere.
//
// Extra prologue constants: WG, TILE_STRIDE, PARTIALS_PER_CHAIN, N_CHUNKS = ceil(TILE_STRIDE / 4),
// CHUNKS_PER_PASS (vec4 chunks reduced together, as many as workgroup memory holds),
// TERM_RUN_START_OFF[t] (rowU column: lane within the tile where the row's segment starts),
// TERM_SEG_OFF[t] (rowU column: the segment id on the segment's last row, NO_SEGMENT elsewhere), TERM_SEG_BASE[t].
//
// Barriers are what a workgroup pays for most on a software adapter (each one switches every invocation), so the
// reductions use as few as they can: all chunks of a pass share one tree (log2(WG) + 1 barriers per pass), and the
// scans ping-pong between two halves of `scan` (log2(WG) + 1 barriers per term).

@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

const NO_SEGMENT: u32 = 0xffffffffu;

var<workgroup> sums: array<vec4<f32>, WG * CHUNKS_PER_PASS>;
var<workgroup> scan: array<f32, 2u * WG>;

// Component k of the fixed part: 0 is the log-likelihood, 1 + j is X[i, j] · dEta.
fn fixedComponent(k: u32, i: u32, r: RowTerm) -> f32 {
  if (k == 0u) {
    return r.logLik;
  }
  return rowF[X_OFF + i * P + (k - 1u)] * r.dEta;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let tile = wid.x;
  let chain = wid.y;
  let i = tile * WG + lane;
  let valid = i < N_ROWS;
  var r = RowTerm(0.0, 0.0);
  if (valid) {
    r = rowTerm(i, linearPredictor(i, chain * Q));
  }
  let out = chain * PARTIALS_PER_CHAIN;

  // fixed effects and log-likelihood: tree reduction of CHUNKS_PER_PASS vec4 chunks at a time
  for (var first = 0u; first < N_CHUNKS; first += CHUNKS_PER_PASS) {
    if (first > 0u) {
      workgroupBarrier(); // lane 0 has read the previous pass's totals
    }
    for (var c = 0u; c < CHUNKS_PER_PASS; c++) {
      var v = vec4<f32>(0.0);
      if (valid) {
        for (var m = 0u; m < 4u; m++) {
          let k = (first + c) * 4u + m;
          if (k < TILE_STRIDE) {
            v[m] = fixedComponent(k, i, r);
          }
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
          let k = (first + c) * 4u + m;
          if (k < TILE_STRIDE) {
            partials[out + tile * TILE_STRIDE + k] = total[m];
          }
        }
      }
    }
  }

  // varying effects: segmented inclusive scan (Hillis–Steele) inside the tile; a segment's last row holds its sum.
  // Each step reads one half of `scan` (offset src) and writes the other; the result ends in the half src points
  // to. A lane writes and reads back only its own element outside the steps, and reads other lanes' only between
  // barriers, so one barrier per step suffices and none is needed between terms.
  for (var t = 0u; t < N_TERMS; t++) {
    var start = lane;
    var value = 0.0;
    if (valid) {
      start = rowU[TERM_RUN_START_OFF[t] + i];
      value = termCovariate(t, i) * r.dEta;
    }
    scan[lane] = value;
    workgroupBarrier();
    var src = 0u;
    for (var d = 1u; d < WG; d = d * 2u) {
      var total = scan[src + lane];
      if (lane >= start + d) {
        total += scan[src + lane - d];
      }
      scan[(WG - src) + lane] = total;
      src = WG - src;
      workgroupBarrier();
    }
    if (valid) {
      let seg = rowU[TERM_SEG_OFF[t] + i];
      if (seg != NO_SEGMENT) {
        partials[out + TERM_SEG_BASE[t] + seg] = scan[src + lane];
      }
    }
  }
}
