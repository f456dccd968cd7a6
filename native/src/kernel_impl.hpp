// Kernel bodies, included once per instruction set by kernel_<isa>.cpp with NUTMEG_KERNEL_NS defined.
// Everything here has internal linkage (anonymous namespace) so that code compiled with wider vector units can never
// be picked by the linker for the baseline table; only `NUTMEG_KERNEL_NS::kernels` is visible. The code calls no
// library templates for the same reason.
//
// Layout of the work: rows in blocks of kRowBlock. For each block:
//   0. widen the block's stored columns (bytes, float32) to float64 and its level indices to 32 bits, once
//      (float64 columns are read in place);
// then for each chain (or draw) in turn, over float64 arrays only:
//   1. eta[0..nb)  = sum_j X_j b_j + sum_t x_t r_t[level_t]      (one pass per four fixed columns, the first
//      writing eta; one pass per varying term)
//   2. the family's row function (families.hpp): the block's log-likelihood and res = d loglik / d eta per row (and
//      the sum of d loglik / d aux); for bernoulli/binomial logit, one pass computing e = exp(-|eta|) per row and the
//      block's smallest |eta| (at least 3 on every row: the shorter log1p series, see vmath.hpp), then one pass
//      computing log1p(e) for the log-likelihood and e / (1 + e) or 1 / (1 + e) for the probability
//   3. one pass per four fixed columns accumulating their gradient (the sum of res for the columns of ones rides
//      along the first), one per varying term (per level).
// Every pass is a plain loop over the block of one element type, which the compiler vectorises without register
// spills; the block (a few KiB) stays in L1 while the chains reuse it.
#ifndef NUTMEG_KERNEL_NS
#error "define NUTMEG_KERNEL_NS before including kernel_impl.hpp"
#endif

#include <cmath>
#include <cstddef>
#include <cstdint>

#if defined(__AVX512F__)
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's avx512fintrin.h builds many intrinsics on _mm512_undefined_pd(), which its -Wmaybe-uninitialized reports
// wherever they are inlined (a false positive, fixed in later GCC); the warning says nothing about this code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

#include "families.hpp"
#include "kernel.hpp"
#include "model.hpp"
#include "vmath.hpp"

namespace nutmeg {
namespace NUTMEG_KERNEL_NS {
namespace {

constexpr std::size_t kBlock = kRowBlock;

// A block's data as float64 arrays (nullptr for a column of ones) and 32-bit level indices.
struct BlockData {
  std::size_t nb;
  const double* const* fixed;   // p columns
  const double* y;
  const double* trials;         // nullptr for bernoulli
  const double* log_y;          // gamma and lognormal: log y (read in place), else nullptr
  const double* const* term_x;  // per term
  const std::uint32_t* const* term_level;
  double* eta;
  double* res;
};

template <class T>
inline const double* widen(const T* src, double* dst, std::size_t nb) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) dst[i] = static_cast<double>(src[i]);
  return dst;
}

// The block of column c starting at row `start`, as float64: in place for F64, widened into dst otherwise.
inline const double* column_block(const Column& c, std::size_t start, std::size_t nb, double* dst) {
  switch (c.type) {
    case ValueType::Ones: return nullptr;
    case ValueType::U8: return widen(static_cast<const std::uint8_t*>(c.data) + start, dst, nb);
    case ValueType::F32: return widen(static_cast<const float*>(c.data) + start, dst, nb);
    case ValueType::F64: return static_cast<const double*>(c.data) + start;
  }
  return nullptr;
}

template <class T>
inline const std::uint32_t* widen_index(const T* src, std::uint32_t* dst, std::size_t nb) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) dst[i] = static_cast<std::uint32_t>(src[i]);
  return dst;
}

inline const std::uint32_t* index_block(const LevelIndex& idx, std::size_t start, std::size_t nb, std::uint32_t* dst) {
  switch (idx.type) {
    case IndexType::U8: return widen_index(static_cast<const std::uint8_t*>(idx.data) + start, dst, nb);
    case IndexType::U16: return widen_index(static_cast<const std::uint16_t*>(idx.data) + start, dst, nb);
    case IndexType::U32: return static_cast<const std::uint32_t*>(idx.data) + start;
  }
  return nullptr;
}

inline std::uint32_t level_at(const LevelIndex& idx, std::size_t row) {
  switch (idx.type) {
    case IndexType::U8: return static_cast<const std::uint8_t*>(idx.data)[row];
    case IndexType::U16: return static_cast<const std::uint16_t*>(idx.data)[row];
    case IndexType::U32: return static_cast<const std::uint32_t*>(idx.data)[row];
  }
  return 0;
}

// Fills the thread's scratch with the block starting at `start` and describes it.
struct BlockBuilder {
  const ModelView& m;
  const BlockScratch& scratch;

  // with_levels = false: the block lies in one run of a grouped model, its level indices are not widened.
  BlockData build(std::size_t start, std::size_t nb, bool with_levels = true) const {
    double* v = scratch.values;
    double* eta = v;
    double* res = v + kBlock;
    double* next = v + 2 * kBlock;
    for (std::uint32_t j = 0; j < m.p; j++, next += kBlock) {
      scratch.fixed[j] = column_block(m.fixed[j], start, nb, next);
    }
    const double* y = column_block(m.y, start, nb, next);
    next += kBlock;
    const double* trials = m.family == Family::Binomial ? column_block(m.trials, start, nb, next) : nullptr;
    next += kBlock;
    std::uint32_t* lv = scratch.levels;
    for (std::uint32_t t = 0; t < m.n_terms; t++, next += kBlock, lv += kBlock) {
      scratch.term_x[t] = column_block(m.terms[t].x, start, nb, next);
      scratch.term_level[t] = with_levels ? index_block(m.terms[t].index, start, nb, lv) : nullptr;
    }
    const double* log_y = m.log_y != nullptr ? m.log_y + start : nullptr;
    return BlockData{nb, scratch.fixed, y, trials, log_y, scratch.term_x, scratch.term_level, eta, res};
  }
};

inline void fill(double* __restrict eta, double value, std::size_t nb) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) eta[i] = value;
}

// One pass of the fixed part of eta over K <= 4 stored columns X_{cols[k]} with coefficients b_{cols[k]}: Init writes
// eta = constant + Σ_k, otherwise eta += Σ_k (one load and store of eta per four columns).
template <int K, bool Init>
inline void predictor_pass(double* __restrict eta, const double* const* fixed, const std::uint32_t* cols,
                           const double* b, double constant, std::size_t nb) {
  const double* __restrict x0 = fixed[cols[0]];
  const double* __restrict x1 = fixed[cols[K > 1 ? 1 : 0]];
  const double* __restrict x2 = fixed[cols[K > 2 ? 2 : 0]];
  const double* __restrict x3 = fixed[cols[K > 3 ? 3 : 0]];
  const double b0 = b[cols[0]];
  const double b1 = K > 1 ? b[cols[1]] : 0.0;
  const double b2 = K > 2 ? b[cols[2]] : 0.0;
  const double b3 = K > 3 ? b[cols[3]] : 0.0;
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) {
    double t = x0[i] * b0;
    if constexpr (K == 2) t += x1[i] * b1;
    if constexpr (K == 3) t = (t + x1[i] * b1) + x2[i] * b2;
    if constexpr (K == 4) t = (t + x1[i] * b1) + (x2[i] * b2 + x3[i] * b3);
    eta[i] = (Init ? constant : eta[i]) + t;
  }
}

template <bool Init>
inline void predictor_pass_of(std::uint32_t k, double* eta, const double* const* fixed, const std::uint32_t* cols,
                              const double* b, double constant, std::size_t nb) {
  switch (k) {
    case 1: predictor_pass<1, Init>(eta, fixed, cols, b, constant, nb); return;
    case 2: predictor_pass<2, Init>(eta, fixed, cols, b, constant, nb); return;
    case 3: predictor_pass<3, Init>(eta, fixed, cols, b, constant, nb); return;
    default: predictor_pass<4, Init>(eta, fixed, cols, b, constant, nb); return;
  }
}

// eta = constant + Σ_k X_{cols[k]} b_{cols[k]} over the n stored columns, four columns a pass (the first writes eta).
inline void fixed_predictor(double* eta, const double* const* fixed, const std::uint32_t* cols, std::uint32_t n,
                            const double* b, double constant, std::size_t nb) {
  if (n == 0) {
    fill(eta, constant, nb);
    return;
  }
  predictor_pass_of<true>(n < 4 ? n : 4, eta, fixed, cols, b, constant, nb);
  for (std::uint32_t k = 4; k < n; k += 4) predictor_pass_of<false>(n - k < 4 ? n - k : 4, eta, fixed, cols + k, b, 0.0, nb);
}

inline void add_scaled(double* __restrict eta, const double* __restrict x, double b, std::size_t nb) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) eta[i] += x[i] * b;
}

inline double sum(const double* __restrict res, std::size_t nb) {
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (std::size_t i = 0; i < nb; i++) s += res[i];
  return s;
}

// One pass over res: g[cols[k]] += Σ_i X_{cols[k]}[i] res[i] for K <= 4 stored columns, and with WithSum also
// total += Σ_i res[i] (res read once, independent accumulators).
template <int K, bool WithSum>
inline void dot_pass(const double* const* fixed, const std::uint32_t* cols, const double* __restrict res,
                     std::size_t nb, double* g, double& total) {
  const double* __restrict x0 = fixed[cols[0]];
  const double* __restrict x1 = fixed[cols[K > 1 ? 1 : 0]];
  const double* __restrict x2 = fixed[cols[K > 2 ? 2 : 0]];
  const double* __restrict x3 = fixed[cols[K > 3 ? 3 : 0]];
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, st = 0.0;
#pragma omp simd reduction(+ : s0, s1, s2, s3, st)
  for (std::size_t i = 0; i < nb; i++) {
    const double r = res[i];
    s0 += x0[i] * r;
    if constexpr (K > 1) s1 += x1[i] * r;
    if constexpr (K > 2) s2 += x2[i] * r;
    if constexpr (K > 3) s3 += x3[i] * r;
    if constexpr (WithSum) st += r;
  }
  g[cols[0]] += s0;
  if constexpr (K > 1) g[cols[1]] += s1;
  if constexpr (K > 2) g[cols[2]] += s2;
  if constexpr (K > 3) g[cols[3]] += s3;
  if constexpr (WithSum) total += st;
}

template <bool WithSum>
inline void dot_pass_of(std::uint32_t k, const double* const* fixed, const std::uint32_t* cols, const double* res,
                        std::size_t nb, double* g, double& total) {
  switch (k) {
    case 1: dot_pass<1, WithSum>(fixed, cols, res, nb, g, total); return;
    case 2: dot_pass<2, WithSum>(fixed, cols, res, nb, g, total); return;
    case 3: dot_pass<3, WithSum>(fixed, cols, res, nb, g, total); return;
    default: dot_pass<4, WithSum>(fixed, cols, res, nb, g, total); return;
  }
}

// g[cols[k]] += Σ_i X_{cols[k]}[i] res[i] over the n stored columns, four columns a pass; returns Σ_i res[i] when
// with_sum (read in the first pass), else 0.
inline double fixed_dots(const double* const* fixed, const std::uint32_t* cols, std::uint32_t n, const double* res,
                         bool with_sum, std::size_t nb, double* g) {
  double total = 0.0;
  if (n == 0) return with_sum ? sum(res, nb) : 0.0;
  const std::uint32_t first = n < 4 ? n : 4;
  if (with_sum) {
    dot_pass_of<true>(first, fixed, cols, res, nb, g, total);
  } else {
    dot_pass_of<false>(first, fixed, cols, res, nb, g, total);
  }
  for (std::uint32_t k = 4; k < n; k += 4) dot_pass_of<false>(n - k < 4 ? n - k : 4, fixed, cols + k, res, nb, g, total);
  return total;
}

inline double dot(const double* __restrict x, const double* __restrict res, std::size_t nb) {
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (std::size_t i = 0; i < nb; i++) s += x[i] * res[i];
  return s;
}

// eta += x · r[level] with r = s · z (ModelView terms' coordinates z read in place).
inline void add_effects(double* __restrict eta, const double* __restrict x, const std::uint32_t* __restrict level,
                        const double* __restrict z, double s, std::size_t nb) {
  if (x == nullptr) {
#pragma omp simd
    for (std::size_t i = 0; i < nb; i++) eta[i] += s * z[level[i]];
  } else {
#pragma omp simd
    for (std::size_t i = 0; i < nb; i++) eta[i] += x[i] * (s * z[level[i]]);
  }
}

// add_effects for an intercept term whose rows are sorted by level (level[] nondecreasing): with AVX-512, eight rows
// whose levels lie within eight consecutive levels (always, but for levels without rows) read those levels' z with one
// masked load and pick each row's with a permute, instead of eight scalar loads and inserts; the same arithmetic per
// row (eta += s·z), so the same values as add_effects.
inline void add_effects_sorted(double* __restrict eta, const std::uint32_t* __restrict level, const double* __restrict z,
                               double s, std::size_t nb) {
  std::size_t i = 0;
#if defined(__AVX512F__)
  const __m512d vs = _mm512_set1_pd(s);
  for (; i + 8 <= nb; i += 8) {
    const std::uint32_t l0 = level[i], span = level[i + 7] - l0;
    if (span < 8) {
      const __m512d window = _mm512_maskz_loadu_pd(static_cast<__mmask8>((2u << span) - 1), z + l0);
      const __m256i local = _mm256_sub_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(level + i)), _mm256_set1_epi32(static_cast<int>(l0)));
      const __m512d zi = _mm512_permutexvar_pd(_mm512_cvtepu32_epi64(local), window);
      _mm512_storeu_pd(eta + i, _mm512_add_pd(_mm512_loadu_pd(eta + i), _mm512_mul_pd(vs, zi)));
    } else {
      for (std::size_t k = i; k < i + 8; k++) eta[k] += s * z[level[k]];
    }
  }
#endif
  for (; i < nb; i++) eta[i] += s * z[level[i]];
}

#if defined(__AVX512F__)
// eta = constant + Σ_k X_{cols[k]} b_{cols[k]} + s·z[level] for K <= 4 stored columns and an intercept term whose rows
// are sorted by level: fixed_predictor and add_effects_sorted in one pass (one store of eta instead of a store, a load
// and a store), the effect read with the same window gather.
template <int K>
inline void predictor_sorted(double* __restrict eta, const double* const* fixed, const std::uint32_t* cols,
                             const double* b, double constant, const std::uint32_t* __restrict level,
                             const double* __restrict z, double s, std::size_t nb) {
  const double* __restrict x[4] = {nullptr, nullptr, nullptr, nullptr};
  double bk[4] = {0.0, 0.0, 0.0, 0.0};
  for (int k = 0; k < K; k++) {
    x[k] = fixed[cols[k]];
    bk[k] = b[cols[k]];
  }
  const __m512d vc = _mm512_set1_pd(constant), vs = _mm512_set1_pd(s);
  std::size_t i = 0;
  for (; i + 8 <= nb; i += 8) {
    __m512d t = vc;
    for (int k = 0; k < K; k++) t = _mm512_fmadd_pd(_mm512_loadu_pd(x[k] + i), _mm512_set1_pd(bk[k]), t);
    const std::uint32_t l0 = level[i], span = level[i + 7] - l0;
    const __m256i li = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(level + i));
    __m512d zi;
    if (span < 8) {
      const __m512d window = _mm512_maskz_loadu_pd(static_cast<__mmask8>((2u << span) - 1), z + l0);
      zi = _mm512_permutexvar_pd(_mm512_cvtepu32_epi64(_mm256_sub_epi32(li, _mm256_set1_epi32(static_cast<int>(l0)))), window);
    } else {
      zi = _mm512_i32gather_pd(li, z, 8);
    }
    _mm512_storeu_pd(eta + i, _mm512_fmadd_pd(vs, zi, t));
  }
  for (; i < nb; i++) {
    double t = constant;
    for (int k = 0; k < K; k++) t += x[k][i] * bk[k];
    eta[i] = t + s * z[level[i]];
  }
}

// predictor_sorted for n stored columns; false (nothing written) when there are more than four.
inline bool predictor_sorted_of(std::uint32_t n, double* eta, const double* const* fixed, const std::uint32_t* cols,
                                const double* b, double constant, const std::uint32_t* level, const double* z, double s,
                                std::size_t nb) {
  switch (n) {
    case 0: predictor_sorted<0>(eta, fixed, cols, b, constant, level, z, s, nb); return true;
    case 1: predictor_sorted<1>(eta, fixed, cols, b, constant, level, z, s, nb); return true;
    case 2: predictor_sorted<2>(eta, fixed, cols, b, constant, level, z, s, nb); return true;
    case 3: predictor_sorted<3>(eta, fixed, cols, b, constant, level, z, s, nb); return true;
    case 4: predictor_sorted<4>(eta, fixed, cols, b, constant, level, z, s, nb); return true;
    default: return false;
  }
}
#endif

// Scatter-add: rows of the same level collide, so this loop stays scalar.
inline void scatter_levels(double* __restrict g, const double* __restrict x, const std::uint32_t* __restrict level,
                           const double* __restrict res, std::size_t nb) {
  if (x == nullptr) {
    for (std::size_t i = 0; i < nb; i++) g[level[i]] += res[i];
  } else {
    for (std::size_t i = 0; i < nb; i++) g[level[i]] += x[i] * res[i];
  }
}

// The runs of one level in the block [start, stop) of rows sorted by that level, from the runs over all rows
// (ModelView::level_run_ends, cursor *j: the first run ending after `start`): ends[q] (exclusive, within the block)
// and levels[q] of run q; returns the number of runs and leaves *j at the first run ending after `stop`. Computed once
// per block, shared by every chain; no level is compared, so no branch depends on where the runs end.
inline std::uint32_t block_runs(const std::uint32_t* __restrict run_ends, std::uint32_t& j, std::size_t start,
                                std::size_t stop, const std::uint32_t* __restrict level, std::uint32_t* __restrict ends,
                                std::uint32_t* __restrict levels) {
  std::uint32_t q = 0;
  for (;;) {
    const std::size_t e = run_ends[j];
    const std::size_t end = e < stop ? e : stop;
    ends[q] = static_cast<std::uint32_t>(end - start);
    levels[q++] = level[end - 1 - start];
    if (e > stop) return q;
    j++;
    if (e == stop) return q;
  }
}

// The gradient of a term whose rows come in runs of one level: one vectorised sum (or dot product) per run and one
// add per level, instead of a scatter per row, whose adds to the same level would wait on each other.
// Direct: g holds the final gradient of the levels (GradientSums::direct): each run's sum is written, except the
// block's first run when it continues a level from the previous block (`continues`), which is added.
template <bool Direct>
inline void sum_runs(double* __restrict g, const double* __restrict x, const std::uint32_t* __restrict ends,
                     const std::uint32_t* __restrict levels, std::uint32_t runs, const double* __restrict res,
                     bool continues) {
  std::uint32_t start = 0;
  for (std::uint32_t q = 0; q < runs; q++) {
    const std::uint32_t stop = ends[q];
    double s = 0.0;
    if (x == nullptr) {
#pragma omp simd reduction(+ : s)
      for (std::uint32_t i = start; i < stop; i++) s += res[i];
    } else {
#pragma omp simd reduction(+ : s)
      for (std::uint32_t i = start; i < stop; i++) s += x[i] * res[i];
    }
    if (Direct && !(q == 0 && continues)) {
      g[levels[q]] = s;
    } else {
      g[levels[q]] += s;
    }
    start = stop;
  }
}

// The model's family over the block (families.hpp): its log-likelihood returned (per-row constants aside), d.res
// written, Σ ∂/∂aux added into g_aux.
inline double block_loglik_and_residual(const ModelView& m, const BlockData& d, const AuxChain& c, double& g_aux) {
  switch (m.likelihood) {
    case Likelihood::BinomialLogit: return families::logit(d.nb, d.eta, d.y, d.trials, d.res);
    case Likelihood::BinomialProbit: return families::probit(d.nb, d.eta, d.y, d.trials, d.res);
    case Likelihood::Normal:
      return families::normal(d.nb, d.eta, m.family == Family::Lognormal ? d.log_y : d.y, d.res, c, g_aux);
    case Likelihood::Poisson: return families::poisson(d.nb, d.eta, d.y, d.res);
    case Likelihood::NegBinomial: return families::negbinomial(d.nb, d.eta, d.y, d.res, c, g_aux, m.large_counts);
    case Likelihood::Gamma: return families::gamma_log(d.nb, d.eta, d.log_y, d.res, c, g_aux);
  }
  return 0.0;
}

// Each row's log-likelihood (per-row constants aside) into out.
inline void block_loglik_rows(const ModelView& m, const BlockData& d, const AuxChain& c, double* out) {
  switch (m.likelihood) {
    case Likelihood::BinomialLogit: families::logit_rows(d.nb, d.eta, d.y, d.trials, out); return;
    case Likelihood::BinomialProbit: families::probit_rows(d.nb, d.eta, d.y, d.trials, out); return;
    case Likelihood::Normal:
      families::normal_rows(d.nb, d.eta, m.family == Family::Lognormal ? d.log_y : d.y, out, c);
      return;
    case Likelihood::Poisson: families::poisson_rows(d.nb, d.eta, d.y, out); return;
    case Likelihood::NegBinomial: families::negbinomial_rows(d.nb, d.eta, d.y, out, c, m.large_counts); return;
    case Likelihood::Gamma: families::gamma_log_rows(d.nb, d.eta, d.log_y, out, c); return;
  }
}

// d.eta = the linear predictor at position b (coefficients b[0..p), term t's effects scale[t] · b[offset_t + k]).
inline void linear_predictor(const ModelView& m, const BlockData& d, const double* b, const double* scale) {
  double constant = 0.0;  // coefficients of the columns of ones
  for (std::uint32_t k = 0; k < m.n_ones; k++) constant += b[m.ones_columns[k]];
  std::int32_t fused = -1;  // the sorted intercept term when its effects were added with the fixed part
#if defined(__AVX512F__)
  const std::int32_t st = m.sorted_term;
  if (st >= 0 && d.term_x[st] == nullptr &&
      predictor_sorted_of(m.n_stored, d.eta, d.fixed, m.stored_columns, b, constant, d.term_level[st], b + m.terms[st].offset,
                          scale[st], d.nb)) {
    fused = st;
  }
#endif
  if (fused < 0) fixed_predictor(d.eta, d.fixed, m.stored_columns, m.n_stored, b, constant, d.nb);
  for (std::uint32_t t = 0; t < m.n_terms; t++) {
    if (static_cast<std::int32_t>(t) == fused) continue;
    if (static_cast<std::int32_t>(t) == m.sorted_term && d.term_x[t] == nullptr) {
      add_effects_sorted(d.eta, d.term_level[t], b + m.terms[t].offset, scale[t], d.nb);
    } else {
      add_effects(d.eta, d.term_x[t], d.term_level[t], b + m.terms[t].offset, scale[t], d.nb);
    }
  }
}

// gf[j] += d loglik / d b_j over the block, from d.res.
inline void fixed_gradient(const ModelView& m, const BlockData& d, double* gf) {
  const double s = fixed_dots(d.fixed, m.stored_columns, m.n_stored, d.res, m.n_ones > 0, d.nb, gf);
  for (std::uint32_t k = 0; k < m.n_ones; k++) gf[m.ones_columns[k]] += s;
}

// The gradient over rows grouped by cell (m.n_runs > 0): blocks never cross a run, so within a block every term's
// level is one number; an intercept term's effect joins the constant of eta and its gradient is the block's sum of
// res, a slope term is a column scaled by its level's effect and its gradient a dot product with res.
void gradient_grouped(const GradientCall& call, std::size_t row_begin, std::size_t row_end, const GradientSums& sums,
                      const BlockScratch& scratch) {
  const ModelView& m = *call.model;
  const BlockBuilder builder{m, scratch};
  // the run that holds row_begin: the first k with run_ends[k] > row_begin
  std::uint32_t lo = 0, hi = m.n_runs;
  while (lo < hi) {
    const std::uint32_t mid = (lo + hi) / 2;
    if (m.run_ends[mid] > row_begin) hi = mid; else lo = mid + 1;
  }
  std::uint32_t run = lo;
  std::uint32_t* level = scratch.levels;  // this block's level of each term (absolute position in the level arrays)
  std::uint32_t* local = scratch.levels + m.n_terms;  // and within the term
  // the terms' effects at this block's levels for one chain (in the chain group's residual space, unused here)
  double* level_effect = scratch.values + (4 + static_cast<std::size_t>(m.p) + m.n_terms) * kBlock;
  for (std::size_t start = row_begin; start < row_end;) {
    const std::size_t stop = m.run_ends[run] < row_end ? m.run_ends[run] : row_end;
    const std::size_t nb = stop - start < kBlock ? stop - start : kBlock;
    const BlockData d = builder.build(start, nb, false);
    bool any_intercept = m.n_ones > 0;
    for (std::uint32_t t = 0; t < m.n_terms; t++) {
      local[t] = level_at(m.terms[t].index, start);
      level[t] = m.terms[t].level_base + local[t];
      if (d.term_x[t] == nullptr) any_intercept = true;
    }
    for (std::uint32_t a = 0; a < call.n_active; a++) {
      const std::uint32_t c = call.chains[a];
      const double* b = call.positions + static_cast<std::size_t>(c) * m.dim;
      const double* scale = call.scales + static_cast<std::size_t>(c) * m.n_terms;
      double* effect = level_effect;
      for (std::uint32_t t = 0; t < m.n_terms; t++) effect[t] = scale[t] * b[m.terms[t].offset + local[t]];
      double constant = 0.0;
      for (std::uint32_t k = 0; k < m.n_ones; k++) constant += b[m.ones_columns[k]];
      for (std::uint32_t t = 0; t < m.n_terms; t++) {
        if (d.term_x[t] == nullptr) constant += effect[t];
      }
      fixed_predictor(d.eta, d.fixed, m.stored_columns, m.n_stored, b, constant, nb);
      for (std::uint32_t t = 0; t < m.n_terms; t++) {
        if (d.term_x[t] != nullptr) add_scaled(d.eta, d.term_x[t], effect[t], nb);
      }
      double g_aux = 0.0;
      sums.loglik[a] += block_loglik_and_residual(m, d, call.aux[c], g_aux);
      if (m.n_aux > 0) sums.aux[a] += g_aux;
      double* gf = sums.fixed + static_cast<std::size_t>(a) * m.p;
      double* gl = sums.levels + static_cast<std::size_t>(a) * m.total_levels;
      const double total = fixed_dots(d.fixed, m.stored_columns, m.n_stored, d.res, any_intercept, nb, gf);
      for (std::uint32_t q = 0; q < m.n_ones; q++) gf[m.ones_columns[q]] += total;
      for (std::uint32_t t = 0; t < m.n_terms; t++) {
        gl[level[t]] += d.term_x[t] == nullptr ? total : dot(d.term_x[t], d.res, nb);
      }
    }
    start += nb;
    if (start == m.run_ends[run]) run++;
  }
}

// A run's G sums into its level's gradient: written (Direct) or added (the slice sums, or a block's first run that
// continues a level from the previous block: `continued`).
template <int G, bool Direct>
inline void put_run_sums(double* const* __restrict g, std::uint32_t level, const double* __restrict s, bool continued) {
  if (Direct && !continued) {
    for (int a = 0; a < G; a++) g[a][level] = s[a];
  } else {
    for (int a = 0; a < G; a++) g[a][level] += s[a];
  }
}

// The level gradient of the sorted term for a group of G chains at once (rows sorted by that term's level, runs of
// one level within the block): res holds the G chains' residuals, kBlock apart; g[a] is chain a's level gradient.
// The G sums of a run are independent, so they advance together instead of waiting on each other's adds, and each
// run's boundaries are read once for the group.
// Direct and `continues` as sum_runs.
template <int G, bool Direct>
inline void sum_runs_group(double* const* __restrict g, const double* __restrict x, const std::uint32_t* __restrict ends,
                           const std::uint32_t* __restrict levels, std::uint32_t runs, const double* __restrict res,
                           bool continues) {
  std::uint32_t start = 0;
  for (std::uint32_t q = 0; q < runs; q++) {
    const std::uint32_t stop = ends[q];
    double s[G];
    for (int a = 0; a < G; a++) s[a] = 0.0;
    if (x == nullptr) {
      for (std::uint32_t i = start; i < stop; i++) {
        for (int a = 0; a < G; a++) s[a] += res[a * kBlock + i];
      }
    } else {
      for (std::uint32_t i = start; i < stop; i++) {
        const double xi = x[i];
        for (int a = 0; a < G; a++) s[a] += xi * res[a * kBlock + i];
      }
    }
    put_run_sums<G, Direct>(g, levels[q], s, q == 0 && continues);
    start = stop;
  }
}

#if defined(__AVX512F__)
// sum_runs_group with AVX-512: a run of up to 16 rows is read with two masked loads per chain (lanes past the run's end
// read as zeros and never fault), so no loop bound depends on where the runs end and the branch predictor has nothing
// to miss; longer runs add further masked loads. Each run's G sums are horizontal sums of one vector each.
template <int G, bool Direct>
inline void sum_runs_masked(double* const* __restrict g, const double* __restrict x, const std::uint32_t* __restrict ends,
                            const std::uint32_t* __restrict levels, std::uint32_t runs, const double* __restrict res,
                            bool continues) {
  std::uint32_t start = 0;
  for (std::uint32_t q = 0; q < runs; q++) {
    const std::uint32_t stop = ends[q];
    const std::uint32_t len = stop - start;
    const std::uint32_t lo = len < 8 ? len : 8;
    const std::uint32_t hi = len - lo < 8 ? len - lo : 8;
    const __mmask8 m_lo = static_cast<__mmask8>((1u << lo) - 1), m_hi = static_cast<__mmask8>((1u << hi) - 1);
    __m512d v[G];
    if (x == nullptr) {
      for (int a = 0; a < G; a++) {
        const double* r = res + a * kBlock + start;
        v[a] = _mm512_add_pd(_mm512_maskz_loadu_pd(m_lo, r), _mm512_maskz_loadu_pd(m_hi, r + 8));
      }
    } else {
      const __m512d x_lo = _mm512_maskz_loadu_pd(m_lo, x + start), x_hi = _mm512_maskz_loadu_pd(m_hi, x + start + 8);
      for (int a = 0; a < G; a++) {
        const double* r = res + a * kBlock + start;
        v[a] = _mm512_fmadd_pd(x_hi, _mm512_maskz_loadu_pd(m_hi, r + 8), _mm512_mul_pd(x_lo, _mm512_maskz_loadu_pd(m_lo, r)));
      }
    }
    for (std::uint32_t i = start + 16; i < stop; i += 8) {
      const std::uint32_t n = stop - i < 8 ? stop - i : 8;
      const __mmask8 m = static_cast<__mmask8>((1u << n) - 1);
      const __m512d xi = x == nullptr ? _mm512_set1_pd(1.0) : _mm512_maskz_loadu_pd(m, x + i);
      for (int a = 0; a < G; a++) v[a] = _mm512_fmadd_pd(xi, _mm512_maskz_loadu_pd(m, res + a * kBlock + i), v[a]);
    }
    double sums[G];
    if constexpr (G == 4) {
      // the four horizontal sums together: pairs of lanes, then 128-bit lanes, twice
      const __m512d t0 = _mm512_add_pd(_mm512_unpacklo_pd(v[0], v[1]), _mm512_unpackhi_pd(v[0], v[1]));
      const __m512d t1 = _mm512_add_pd(_mm512_unpacklo_pd(v[2], v[3]), _mm512_unpackhi_pd(v[2], v[3]));
      const __m512d c = _mm512_add_pd(_mm512_shuffle_f64x2(t0, t1, 0x88), _mm512_shuffle_f64x2(t0, t1, 0xDD));
      const __m512d e = _mm512_add_pd(c, _mm512_shuffle_f64x2(c, c, 0xB1));
      _mm256_storeu_pd(sums, _mm512_castpd512_pd256(_mm512_shuffle_f64x2(e, e, 0x88)));
    } else {
      for (int a = 0; a < G; a++) sums[a] = _mm512_reduce_add_pd(v[a]);
    }
    put_run_sums<G, Direct>(g, levels[q], sums, q == 0 && continues);
    start = stop;
  }
}
#endif

template <bool Direct>
inline void sum_runs_chains(std::uint32_t count, double* const* g, const double* x, const std::uint32_t* ends,
                            const std::uint32_t* levels, std::uint32_t runs, const double* res, bool continues) {
#if defined(__AVX512F__)
  switch (count) {
    case 1: sum_runs_masked<1, Direct>(g, x, ends, levels, runs, res, continues); return;
    case 2: sum_runs_masked<2, Direct>(g, x, ends, levels, runs, res, continues); return;
    case 3: sum_runs_masked<3, Direct>(g, x, ends, levels, runs, res, continues); return;
    default: sum_runs_masked<4, Direct>(g, x, ends, levels, runs, res, continues); return;
  }
#else
  switch (count) {
    case 1: sum_runs<Direct>(g[0], x, ends, levels, runs, res, continues); return;
    case 2: sum_runs_group<2, Direct>(g, x, ends, levels, runs, res, continues); return;
    case 3: sum_runs_group<3, Direct>(g, x, ends, levels, runs, res, continues); return;
    default: sum_runs_group<4, Direct>(g, x, ends, levels, runs, res, continues); return;
  }
#endif
}

void gradient(const GradientCall& call, std::size_t row_begin, std::size_t row_end, const GradientSums& sums,
              const BlockScratch& scratch) {
  const ModelView& m = *call.model;
  if (m.n_runs > 0) {
    gradient_grouped(call, row_begin, row_end, sums, scratch);
    return;
  }
  static_assert(kChainGroup == 4, "sum_runs_chains handles groups of up to 4 chains");
  const BlockBuilder builder{m, scratch};
  std::uint32_t* run_ends = scratch.runs;
  std::uint32_t* run_levels = scratch.runs + kBlock;
  const std::int32_t sorted = m.sorted_term;
  // With rows sorted by a level, each chain's residuals of the block are kept (kChainGroup of them) and the sorted
  // term's gradient is summed for the group at once (sum_runs_group); otherwise one residual array serves every chain.
  double* group_res = scratch.values + (4 + static_cast<std::size_t>(m.p) + m.n_terms) * kBlock;
  double* group_g[kChainGroup];
  // the run of the sorted term that holds row_begin: the first k with level_run_ends[k] > row_begin
  std::uint32_t run = 0;
  if (sorted >= 0) {
    std::uint32_t hi = m.n_level_runs;
    while (run < hi) {
      const std::uint32_t mid = (run + hi) / 2;
      if (m.level_run_ends[mid] > row_begin) hi = mid; else run = mid + 1;
    }
  }
  for (std::size_t start = row_begin; start < row_end; start += kBlock) {
    const std::size_t nb = row_end - start < kBlock ? row_end - start : kBlock;
    BlockData d = builder.build(start, nb);
    double* const shared_res = d.res;
    // whether the block's first run continues a level from the previous block (its run starts before `start`)
    const bool continues = sorted >= 0 && (run == 0 ? 0 : m.level_run_ends[run - 1]) < start;
    const std::uint32_t runs =
        sorted >= 0 ? block_runs(m.level_run_ends, run, start, start + nb, d.term_level[sorted], run_ends, run_levels) : 0;
    for (std::uint32_t a0 = 0; a0 < call.n_active; a0 += kChainGroup) {
      const std::uint32_t count = call.n_active - a0 < kChainGroup ? call.n_active - a0 : kChainGroup;
      for (std::uint32_t a = a0; a < a0 + count; a++) {
        const std::uint32_t c = call.chains[a];
        const double* b = call.positions + static_cast<std::size_t>(c) * m.dim;
        const double* scale = call.scales + static_cast<std::size_t>(c) * m.n_terms;
        d.res = sorted >= 0 ? group_res + (a - a0) * kBlock : shared_res;
        linear_predictor(m, d, b, scale);
        double g_aux = 0.0;
        sums.loglik[a] += block_loglik_and_residual(m, d, call.aux[c], g_aux);
        if (m.n_aux > 0) sums.aux[a] += g_aux;
        fixed_gradient(m, d, sums.fixed + static_cast<std::size_t>(a) * m.p);
        double* gl = sums.levels + static_cast<std::size_t>(a) * m.total_levels;
        for (std::uint32_t t = 0; t < m.n_terms; t++) {
          if (static_cast<std::int32_t>(t) != sorted) {
            scatter_levels(gl + m.terms[t].level_base, d.term_x[t], d.term_level[t], d.res, nb);
          }
        }
      }
      if (sorted >= 0) {
        const Term& term = m.terms[sorted];
        if (sums.direct != nullptr) {
          for (std::uint32_t a = 0; a < count; a++) group_g[a] = sums.direct[a0 + a];
          sum_runs_chains<true>(count, group_g, d.term_x[sorted], run_ends, run_levels, runs, group_res, continues);
        } else {
          for (std::uint32_t a = 0; a < count; a++) {
            group_g[a] = sums.levels + static_cast<std::size_t>(a0 + a) * m.total_levels + term.level_base;
          }
          sum_runs_chains<false>(count, group_g, d.term_x[sorted], run_ends, run_levels, runs, group_res, continues);
        }
      }
    }
  }
}

void pointwise(const PointwiseCall& call, std::size_t row_begin, std::size_t row_end, const BlockScratch& scratch) {
  const ModelView& m = *call.model;
  const BlockBuilder builder{m, scratch};
  for (std::size_t start = row_begin; start < row_end; start += kBlock) {
    const std::size_t nb = row_end - start < kBlock ? row_end - start : kBlock;
    const std::size_t row = call.row_start + start;
    const BlockData d = builder.build(row, nb);
    for (std::uint32_t s = 0; s < call.n_draws; s++) {
      const double* b = call.draws + static_cast<std::size_t>(s) * m.dim;
      linear_predictor(m, d, b, call.scales + static_cast<std::size_t>(s) * m.n_terms);
      double* out = call.out + static_cast<std::size_t>(s) * call.row_count + start;
      block_loglik_rows(m, d, call.aux[s], out);
      if (m.row_constant != nullptr) {
        const double* rc = m.row_constant + row;
        for (std::size_t i = 0; i < nb; i++) out[i] += rc[i];
      }
    }
  }
}

#include "level_passes_impl.hpp"

}  // namespace

extern const KernelTable kernels;
const KernelTable kernels = {NUTMEG_KERNEL_ISA_NAME, &gradient, &pointwise, &helmert_map, &level_prior};

}  // namespace NUTMEG_KERNEL_NS
}  // namespace nutmeg
