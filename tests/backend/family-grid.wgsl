// Test harness for the family functions (shaders/families/): one invocation per point, each point 8 floats
// (row.y, row.yLo, row.extra, eta, chain values ×4), each result 3 floats (logLik, dEta, dAux).
// Compiled after a prologue with N_POINTS and the family's source (src/backend/webgpu/shader-source.ts, familySource).

@group(0) @binding(0) var<storage, read> points: array<f32>;
@group(0) @binding(1) var<storage, read_write> results: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x;
  if (k >= N_POINTS) {
    return;
  }
  let b = k * 8u;
  let chain = vec4<f32>(points[b + 4u], points[b + 5u], points[b + 6u], points[b + 7u]);
  let r = familyRow(Row(points[b], points[b + 1u], points[b + 2u]), points[b + 3u], chain);
  results[k * 3u] = r.logLik;
  results[k * 3u + 1u] = r.dEta;
  results[k * 3u + 2u] = r.dAux;
}
