// Pointwise log-likelihood for a block of draws (for PSIS-LOO): one invocation per (row, draw).
//   out[s · ROW_COUNT + k] = log p(y_i | theta_s) without the host's constants (the family's per-row and per-chain
//   terms, shaders/families/family.wgsl), for user row i = rowStart + k,
// where rowStart and the row count of this dispatch come from the uniform `block`. User rows are mapped to the
// backend's row order through rowU[INV_PERM_OFF + i].
//
// Prologue constants: WG, INV_PERM_OFF.

struct Block {
  rowStart: u32,
  rowCount: u32,
}

@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> block: Block;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let k = gid.x;
  let draw = wid.y;
  if (k >= block.rowCount) {
    return;
  }
  let i = rowU[INV_PERM_OFF + block.rowStart + k];
  let r = rowTerm(i, linearPredictor(i, draw * Q), chainValues(draw * Q));
  out[draw * block.rowCount + k] = r.logLik;
}
