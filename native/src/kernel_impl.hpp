// Kernel bodies, included once per instruction set by kernel_<isa>.cpp with NUTMEG_KERNEL_NS defined.
// Everything here has internal linkage (anonymous namespace) so that code compiled with wider vector units can never
// be picked by the linker for the baseline table; only `NUTMEG_KERNEL_NS::kernels` is visible.
//
// Layout of the work: rows in blocks of kBlock; for each block, each chain (or draw) in turn:
//   1. eta[0..nb)  = sum_j X_j[rows] b_j + sum_t x_t[rows] r_t[level(rows)]     (one pass per column)
//   2. one pass computing, per row, e = exp(-|eta|) once, then log1p(e) for the log-likelihood and
//      e / (1 + e) or 1 / (1 + e) for the probability, giving the row's log-likelihood and d loglik / d eta
//   3. one pass per column accumulating the gradient (per level for varying terms).
// Each pass is a plain loop over the block that the compiler can vectorise; the block (a few KiB of X) stays in L1
// while the chains reuse it.
#ifndef NUTMEG_KERNEL_NS
#error "define NUTMEG_KERNEL_NS before including kernel_impl.hpp"
#endif

#include <cstddef>
#include <cstdint>

#include "kernel.hpp"
#include "model.hpp"
#include "vmath.hpp"

namespace nutmeg {
namespace NUTMEG_KERNEL_NS {
namespace {

constexpr std::size_t kBlock = 512;

// A column of ones, indexed like the stored columns so that every pass has one generic form.
struct OnesColumn {
  double operator[](std::size_t) const { return 1.0; }
};

template <class T>
struct Values {
  const T* p;
  double operator[](std::size_t i) const { return static_cast<double>(p[i]); }
};

// Calls f with a typed view of column c starting at row `start`.
template <class F>
inline void with_column(const Column& c, std::size_t start, F&& f) {
  switch (c.type) {
    case ValueType::Ones: f(OnesColumn{}); break;
    case ValueType::U8: f(Values<std::uint8_t>{static_cast<const std::uint8_t*>(c.data) + start}); break;
    case ValueType::F32: f(Values<float>{static_cast<const float*>(c.data) + start}); break;
    case ValueType::F64: f(Values<double>{static_cast<const double*>(c.data) + start}); break;
  }
}

template <class F>
inline void with_index(const LevelIndex& idx, std::size_t start, F&& f) {
  switch (idx.type) {
    case IndexType::U8: f(static_cast<const std::uint8_t*>(idx.data) + start); break;
    case IndexType::U16: f(static_cast<const std::uint16_t*>(idx.data) + start); break;
    case IndexType::U32: f(static_cast<const std::uint32_t*>(idx.data) + start); break;
  }
}

template <class X>
inline void add_scaled(double* __restrict eta, X x, double b, std::size_t nb) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) eta[i] += x[i] * b;
}

template <class X>
inline double dot(X x, const double* __restrict res, std::size_t nb) {
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (std::size_t i = 0; i < nb; i++) s += x[i] * res[i];
  return s;
}

template <class X, class I>
inline void add_effects(double* __restrict eta, X x, const I* __restrict level, const double* __restrict r,
                        std::size_t nb) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) eta[i] += x[i] * r[level[i]];
}

// Scatter-add: rows of the same level collide, so this loop stays scalar.
template <class X, class I>
inline void scatter_levels(double* __restrict g, X x, const I* __restrict level, const double* __restrict res,
                           std::size_t nb) {
  for (std::size_t i = 0; i < nb; i++) g[level[i]] += x[i] * res[i];
}

// Log-likelihood of the block (returned) and res[i] = d loglik_i / d eta_i = y_i - trials_i * sigmoid(eta_i).
//   loglik_i = (y_i eta_i - trials_i max(eta_i, 0)) - trials_i log1p(e^{-|eta_i|})
template <class Y, class N>
inline double loglik_and_residual(const double* __restrict eta, Y y, N trials, double* __restrict res,
                                  std::size_t nb) {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (std::size_t i = 0; i < nb; i++) {
    const double h = eta[i];
    const double a = h < 0.0 ? -h : h;
    const double e = vmath::exp_nonpos(-a);
    const double l = vmath::log1p_unit(e);
    const double inv = 1.0 / (1.0 + e);
    const double prob = h >= 0.0 ? inv : e * inv;
    const double positive = h > 0.0 ? h : 0.0;
    const double yi = y[i];
    const double ni = trials[i];
    sum += (yi * h - ni * positive) - ni * l;
    res[i] = yi - ni * prob;
  }
  return sum;
}

template <class Y, class N>
inline void loglik_rows(const double* __restrict eta, Y y, N trials, double* __restrict out, std::size_t nb) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) {
    const double h = eta[i];
    const double a = h < 0.0 ? -h : h;
    const double e = vmath::exp_nonpos(-a);
    const double l = vmath::log1p_unit(e);
    const double positive = h > 0.0 ? h : 0.0;
    const double ni = trials[i];
    out[i] = (y[i] * h - ni * positive) - ni * l;
  }
}

// eta for rows [start, start + nb) at coefficients b (length p) and group effects r (length total_levels).
inline void linear_predictor(const ModelView& m, const double* b, const double* r, std::size_t start, std::size_t nb,
                             double* __restrict eta) {
  for (std::size_t i = 0; i < nb; i++) eta[i] = 0.0;
  for (std::uint32_t j = 0; j < m.p; j++) {
    with_column(m.fixed[j], start, [&](auto x) { add_scaled(eta, x, b[j], nb); });
  }
  for (std::uint32_t k = 0; k < m.n_terms; k++) {
    const Term& t = m.terms[k];
    const double* rt = r + t.level_base;
    with_column(t.x, start, [&](auto x) {
      with_index(t.index, start, [&](const auto* level) { add_effects(eta, x, level, rt, nb); });
    });
  }
}

template <class F>
inline void with_outcome(const ModelView& m, std::size_t start, F&& f) {
  with_column(m.y, start, [&](auto y) { with_column(m.trials, start, [&](auto trials) { f(y, trials); }); });
}

void gradient(const GradientCall& call, std::size_t row_begin, std::size_t row_end, const GradientSums& sums) {
  const ModelView& m = *call.model;
  alignas(64) double eta[kBlock];
  alignas(64) double res[kBlock];
  for (std::size_t start = row_begin; start < row_end; start += kBlock) {
    const std::size_t nb = row_end - start < kBlock ? row_end - start : kBlock;
    for (std::uint32_t a = 0; a < call.n_active; a++) {
      const std::uint32_t c = call.chains[a];
      const double* b = call.positions + static_cast<std::size_t>(c) * m.dim;
      const double* r = call.effects + static_cast<std::size_t>(c) * m.total_levels;
      linear_predictor(m, b, r, start, nb, eta);
      double ll = 0.0;
      with_outcome(m, start, [&](auto y, auto trials) { ll = loglik_and_residual(eta, y, trials, res, nb); });
      sums.loglik[a] += ll;
      double* gf = sums.fixed + static_cast<std::size_t>(a) * m.p;
      for (std::uint32_t j = 0; j < m.p; j++) {
        with_column(m.fixed[j], start, [&](auto x) { gf[j] += dot(x, res, nb); });
      }
      double* gl = sums.levels + static_cast<std::size_t>(a) * m.total_levels;
      for (std::uint32_t k = 0; k < m.n_terms; k++) {
        const Term& t = m.terms[k];
        double* gt = gl + t.level_base;
        with_column(t.x, start, [&](auto x) {
          with_index(t.index, start, [&](const auto* level) { scatter_levels(gt, x, level, res, nb); });
        });
      }
    }
  }
}

void pointwise(const PointwiseCall& call, std::size_t row_begin, std::size_t row_end) {
  const ModelView& m = *call.model;
  alignas(64) double eta[kBlock];
  for (std::size_t start = row_begin; start < row_end; start += kBlock) {
    const std::size_t nb = row_end - start < kBlock ? row_end - start : kBlock;
    const std::size_t row = call.row_start + start;
    for (std::uint32_t s = 0; s < call.n_draws; s++) {
      const double* b = call.draws + static_cast<std::size_t>(s) * m.dim;
      const double* r = call.effects + static_cast<std::size_t>(s) * m.total_levels;
      linear_predictor(m, b, r, row, nb, eta);
      double* out = call.out + static_cast<std::size_t>(s) * call.row_count + start;
      with_outcome(m, row, [&](auto y, auto trials) { loglik_rows(eta, y, trials, out, nb); });
      if (m.family == Family::Binomial) {
        const double* lc = m.log_choose + row;
        for (std::size_t i = 0; i < nb; i++) out[i] += lc[i];
      }
    }
  }
}

}  // namespace

extern const KernelTable kernels;
const KernelTable kernels = {NUTMEG_KERNEL_ISA_NAME, &gradient, &pointwise};

}  // namespace NUTMEG_KERNEL_NS
}  // namespace nutmeg
