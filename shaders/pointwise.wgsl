// Pointwise log-likelihood for a block of draws (for PSIS-LOO): one invocation per (row, draw), for the rows of one
// chunk (row-plan.ts) among the block's rows. The host lists the block's rows grouped by chunk, each as its row within
// the chunk, as u32 at out[block.listAt + j]; this dispatch takes list entries block.first … block.first + block.count
// (the bound chunk's) and writes
//   out[s · block.stride + j] = bits of log p(y_i | theta_s) without the host's constants (the family's per-row and
//   per-chain terms, shaders/families/family.wgsl),
// which the host reads as f32 and puts back in the user's row order. `out` is u32 so that the list reads exactly.
//
// Prologue constants: WG (and the model's).

struct Block {
  first: u32,
  count: u32,
  stride: u32,
  listAt: u32,
}

@group(0) @binding(3) var<storage, read_write> out: array<u32>;
@group(0) @binding(4) var<uniform> block: Block;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let k = gid.x;
  let draw = wid.y;
  if (k >= block.count) {
    return;
  }
  let j = block.first + k;
  let i = out[block.listAt + j];
  let r = rowTerm(i, linearPredictor(i, draw * Q), chainValues(draw * Q));
  out[draw * block.stride + j] = bitcast<u32>(r.logLik);
}
