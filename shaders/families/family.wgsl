// The interface between the row kernels (shaders/model.wgsl) and a family function (one file per family in this
// folder; the host compiles in the spec's one, src/backend/webgpu/family-host.ts). A family function is pure:
//
//   fn familyRow(row: Row, eta: f32, chain: vec4<f32>) -> RowTerm
//
// row:   the row's data as the host uploaded it (per family, see its file): y, or the outcome on the link scale
//        (log y, or y itself for gaussian) as an unevaluated f32 sum y + yLo that carries it to about 48 bits, so
//        that differences from eta near the row's fit keep their digits; and trials or the count
// eta:   the linear predictor
// chain: up to four per-chain values the host computed in f64 from the family's auxiliary parameter (1/sigma,
//        shape, log shape …), so that no row recomputes a chain constant
// It returns the parameter-dependent part of log p(y | eta, aux) (the host adds, in f64, the per-row constants such
// as log C(n, y) and log y!, and the per-chain ones such as −log sigma or lgamma(shape) summed over rows), its
// derivative with respect to eta, and the derivative of that part with respect to the auxiliary parameter on its
// constrained scale (0 for families without one).

struct Row {
  y: f32,
  yLo: f32,
  extra: f32,
}

struct RowTerm {
  logLik: f32,
  dEta: f32,
  dAux: f32,
}
