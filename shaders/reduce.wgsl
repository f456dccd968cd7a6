// Pass 2: per chain, each output slot is the sum of a list of partials written by logp_grad.wgsl.
// Slots: 0 log-likelihood, 1 + j fixed effect j, then d loglik / d r_t[k] for every term and level, then (families
// with an auxiliary parameter) d loglik / d aux.
// The lists are a CSR table: listPtr = lists[0 … N_SLOTS], entries lists[N_SLOTS + 1 + …] are offsets into a chain's
// partials. One invocation per (slot, chain); Neumaier-compensated sum, returned as (sum, compensation) so that the
// host can add the two in f64.
//
// Prologue constants: WG, N_SLOTS, PARTIALS_PER_CHAIN.

@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read> lists: array<u32>;
@group(0) @binding(2) var<storage, read_write> sums: array<vec2<f32>>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let slot = gid.x;
  let chain = wid.y;
  if (slot >= N_SLOTS) {
    return;
  }
  let base = chain * PARTIALS_PER_CHAIN;
  let first = lists[slot];
  let last = lists[slot + 1u];
  var sum = 0.0;
  var comp = 0.0;
  for (var e = first; e < last; e++) {
    let x = partials[base + lists[N_SLOTS + 1u + e]];
    let s = sum + x;
    if (abs(sum) >= abs(x)) {
      comp += (sum - s) + x;
    } else {
      comp += (x - s) + sum;
    }
    sum = s;
  }
  sums[chain * N_SLOTS + slot] = vec2<f32>(sum, comp);
}
