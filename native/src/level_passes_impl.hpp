// The passes over a term's levels (not its rows), included by kernel_impl.hpp once per instruction set: the map of a
// rotated term's coordinates to its effects (Engine::map_rotated) and the level prior with its pull-back through the
// rotation (Engine::gradient). With 10^5 levels these run once per chain per call on a single thread, so they are
// vectorised along the levels where the CPU has AVX-512; elsewhere G chains advance side by side.
//
// The rotation of src/model/split.ts: a term with K levels and Helmert scales a[k] = 1/√(k(k+1)) (a[0] = 0) has the
// coordinates [u, e_1 … e_{K−1}] and the effects r = s·u/√K·1 + Q e (s = sd for a centered term, 1 for a
// non-centered one, whose "effects" are then z). Level k receives a[j]·e_j from every column j > k and −k·a[k]·e_k
// from its own column: r_k = s·u/√K + S_k − k·a[k]·e_k with the suffix sum S_k = Σ_{j>k} a[j]·e_j.
// Inside kernel_impl.hpp's anonymous namespace.

#if defined(__AVX512F__)

// x_i ← Σ_{j ≥ i} x_j within the vector (lanes beyond the data hold zeros): three shifted adds (a shift is a permute
// whose vacated lanes are zeroed).
inline __m512d suffix_scan(__m512d x) {
  x = _mm512_add_pd(x, _mm512_maskz_permutexvar_pd(0x7F, _mm512_set_epi64(7, 7, 6, 5, 4, 3, 2, 1), x));
  x = _mm512_add_pd(x, _mm512_maskz_permutexvar_pd(0x3F, _mm512_set_epi64(7, 7, 7, 6, 5, 4, 3, 2), x));
  return _mm512_add_pd(x, _mm512_maskz_permutexvar_pd(0x0F, _mm512_set_epi64(7, 7, 7, 7, 7, 6, 5, 4), x));
}

// x_i ← Σ_{j ≤ i} x_j within the vector: three shifted adds.
inline __m512d prefix_scan(__m512d x) {
  x = _mm512_add_pd(x, _mm512_maskz_permutexvar_pd(0xFE, _mm512_set_epi64(6, 5, 4, 3, 2, 1, 0, 0), x));
  x = _mm512_add_pd(x, _mm512_maskz_permutexvar_pd(0xFC, _mm512_set_epi64(5, 4, 3, 2, 1, 0, 0, 0), x));
  return _mm512_add_pd(x, _mm512_maskz_permutexvar_pd(0xF0, _mm512_set_epi64(3, 2, 1, 0, 0, 0, 0, 0), x));
}

// Lane `from` of x in every lane.
inline __m512d broadcast_lane(__m512d x, int from) { return _mm512_permutexvar_pd(_mm512_set1_epi64(from), x); }

inline __mmask8 lanes_below(std::uint32_t n) { return static_cast<__mmask8>((1u << (n < 8 ? n : 8)) - 1); }

// One vector's map, eight levels at a time from the top (so that from == to works: a chunk is read before it is
// written, the chunks below are not yet touched, u = from[0] is read first and r_0 written last).
inline void helmert_map_one(const double* from, double* to, double s, std::uint32_t K, const double* a) {
  const double mean = (s * from[0]) / std::sqrt(static_cast<double>(K));
  const __m512d vmean = _mm512_set1_pd(mean);
  const __m512d lane = _mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0);
  __m512d carry = _mm512_setzero_pd();  // S over the chunks above, in every lane
  for (std::uint32_t c = (K - 1 + 7) / 8; c-- > 0;) {
    const std::uint32_t k0 = 1 + 8 * c;
    const __mmask8 m = lanes_below(K - k0);
    const bool full = m == 0xFF;  // whole chunks with plain loads and stores (masked stores cost more)
    const __m512d e = full ? _mm512_loadu_pd(from + k0) : _mm512_maskz_loadu_pd(m, from + k0);
    const __m512d ak = full ? _mm512_loadu_pd(a + k0) : _mm512_maskz_loadu_pd(m, a + k0);
    const __m512d x = suffix_scan(_mm512_mul_pd(e, ak));
    // S_k = carry + Σ_{j > k} within the chunk (lane i takes lane i + 1 of the inclusive sums)
    const __m512d S = _mm512_add_pd(carry, _mm512_maskz_permutexvar_pd(0x7F, _mm512_set_epi64(7, 7, 6, 5, 4, 3, 2, 1), x));
    const __m512d kk = _mm512_add_pd(_mm512_set1_pd(static_cast<double>(k0)), lane);
    const __m512d r = _mm512_add_pd(vmean, _mm512_sub_pd(S, _mm512_mul_pd(_mm512_mul_pd(kk, ak), e)));
    if (full) _mm512_storeu_pd(to + k0, r); else _mm512_mask_storeu_pd(to + k0, m, r);
    carry = _mm512_add_pd(carry, broadcast_lane(x, 0));
  }
  to[0] = mean + _mm512_cvtsd_f64(carry);
}

void helmert_map(const double* const* from, double* const* to, const double* s, std::uint32_t count, std::uint32_t K,
                 const double* a) {
  for (std::uint32_t j = 0; j < count; j++) helmert_map_one(from[j], to[j], s[j], K, a);
}

// One chain's level prior, eight levels at a time; rotated: the pull-back e_{k−1} ← (P_k − k·g_k)·a[k] with the
// exclusive prefix P_k = Σ_{l<k} g_l, and u ← s·P_K/√K (as the generic version below).
template <bool Noncentered, bool Rotated>
void level_prior_one(LevelPriorChain& ch, std::uint32_t K, const double* a) {
  const double* v = ch.v;
  double* g = ch.g;
  const double sd = ch.sd, inv_sd = 1.0 / ch.sd;
  const __m512d vsd = _mm512_set1_pd(sd), vinv = _mm512_set1_pd(inv_sd);
  const __m512d lane = _mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0);
  __m512d lp = _mm512_setzero_pd(), gsd = _mm512_setzero_pd(), carry = _mm512_setzero_pd();
  for (std::uint32_t k0 = 0; k0 < K; k0 += 8) {
    const __mmask8 m = lanes_below(K - k0);
    const bool full = m == 0xFF;
    const __m512d vk = full ? _mm512_loadu_pd(v + k0) : _mm512_maskz_loadu_pd(m, v + k0);
    const __m512d gr = full ? _mm512_loadu_pd(g + k0) : _mm512_maskz_loadu_pd(m, g + k0);
    __m512d out;
    __m512d gk;
    if constexpr (Noncentered) {
      lp = _mm512_fmadd_pd(vk, vk, lp);
      gsd = _mm512_fmadd_pd(_mm512_mul_pd(vsd, vk), gr, gsd);
      gk = _mm512_fmsub_pd(vsd, gr, vk);
    } else {
      const __m512d w = _mm512_mul_pd(vk, vinv);
      lp = _mm512_fmadd_pd(w, w, lp);
      gk = _mm512_fnmadd_pd(w, vinv, gr);
    }
    if constexpr (Rotated) {
      const __m512d x = prefix_scan(gk);
      const __m512d P = _mm512_add_pd(carry, _mm512_maskz_permutexvar_pd(0xFE, _mm512_set_epi64(6, 5, 4, 3, 2, 1, 0, 0), x));
      const __m512d kk = _mm512_add_pd(_mm512_set1_pd(static_cast<double>(k0)), lane);
      const __m512d ak = full ? _mm512_loadu_pd(a + k0) : _mm512_maskz_loadu_pd(m, a + k0);
      out = _mm512_mul_pd(_mm512_fnmadd_pd(kk, gk, P), ak);
      carry = _mm512_add_pd(carry, broadcast_lane(x, 7));
    } else {
      out = gk;
    }
    if (full) _mm512_storeu_pd(g + k0, out); else _mm512_mask_storeu_pd(g + k0, m, out);
  }
  ch.lp_t = _mm512_reduce_add_pd(lp);
  ch.g_sd = Noncentered ? _mm512_reduce_add_pd(gsd) : ch.lp_t - K;
  if constexpr (Rotated) {
    const double root = std::sqrt(static_cast<double>(K)), total = _mm512_cvtsd_f64(carry);
    g[0] = ((Noncentered ? 1.0 : sd) / root) * total;
    if constexpr (!Noncentered) ch.g_sd += ((sd * ch.u) / root) * total;
  }
}

template <bool Noncentered, bool Rotated>
void level_prior_of(LevelPriorChain* ch, std::uint32_t count, std::uint32_t K, const double* a) {
  for (std::uint32_t j = 0; j < count; j++) level_prior_one<Noncentered, Rotated>(ch[j], K, a);
}

#else

// The map for G vectors at once, going down from the last level (so that from == to works: coordinate k is read
// before r_k is written). Each vector's running sum is a chain of dependent adds; G of them side by side keep the
// adder busy. The same arithmetic as src/model/split.ts splitToEffects.
template <int G>
void helmert_map_group(const double* const* from, double* const* to, const double* s, std::uint32_t K, const double* a) {
  const double root = std::sqrt(static_cast<double>(K));
  double mean[G], suffix[G];
  for (int j = 0; j < G; j++) {
    mean[j] = (s[j] * from[j][0]) / root;
    suffix[j] = 0.0;
  }
  for (std::uint32_t k = K - 1; k >= 1; k--) {
    for (int j = 0; j < G; j++) {
      const double e = from[j][k];
      to[j][k] = mean[j] + (suffix[j] - k * a[k] * e);
      suffix[j] += e * a[k];
    }
  }
  for (int j = 0; j < G; j++) to[j][0] = mean[j] + suffix[j];
}

void helmert_map(const double* const* from, double* const* to, const double* s, std::uint32_t count, std::uint32_t K,
                 const double* a) {
  for (std::uint32_t j = 0; j < count; j += 4) {
    switch (count - j) {
      case 1: helmert_map_group<1>(from + j, to + j, s + j, K, a); break;
      case 2: helmert_map_group<2>(from + j, to + j, s + j, K, a); break;
      case 3: helmert_map_group<3>(from + j, to + j, s + j, K, a); break;
      default: helmert_map_group<4>(from + j, to + j, s + j, K, a); break;
    }
  }
}

// The level prior for G chains at once: non-centered z ~ Normal(0, 1) with r = sd·z (g ← sd·g − z, g_sd = Σ sd·z·g),
// centered r ~ Normal(0, sd) (g ← g − r/sd², g_sd = Σ (r/sd)² − K); for a rotated term (`a`) also pulled back to
// [u, e] in the same pass, as src/model/split.ts pullBackSplitGradient: e_{k−1} ← (Σ_{l<k} g_l − k·g_k)·a[k] going up,
// u ← s·Σ g/√K (s = 1 non-centered, sd centered, whose g_sd also gains ∂r/∂log sd = sd·u/√K·1 times g). Each chain's
// sums are chains of dependent adds; G of them side by side keep the adder busy. Per chain, the same operations in
// the same order for any G.
template <int G, bool Noncentered, bool Rotated>
void level_prior_group(LevelPriorChain* ch, std::uint32_t K, const double* a) {
  const double* v[G];
  double* g[G];
  double sd[G], inv_sd[G], lp_t[G], g_sd[G], prefix[G];
  for (int j = 0; j < G; j++) {
    v[j] = ch[j].v;
    g[j] = ch[j].g;
    sd[j] = ch[j].sd;
    inv_sd[j] = 1.0 / ch[j].sd;
    lp_t[j] = 0.0;
    g_sd[j] = 0.0;
    prefix[j] = 0.0;
  }
  for (std::uint32_t k = 0; k < K; k++) {
    for (int j = 0; j < G; j++) {
      const double vk = v[j][k], gr = g[j][k];
      double gk;
      if constexpr (Noncentered) {
        lp_t[j] += vk * vk;
        g_sd[j] += (sd[j] * vk) * gr;
        gk = sd[j] * gr - vk;
      } else {
        const double w = vk * inv_sd[j];
        lp_t[j] += w * w;
        gk = gr - w * inv_sd[j];
      }
      if constexpr (Rotated) {
        if (k == 0) {
          prefix[j] = gk;
        } else {
          g[j][k] = (prefix[j] - k * gk) * a[k];
          prefix[j] += gk;
        }
      } else {
        g[j][k] = gk;
      }
    }
  }
  for (int j = 0; j < G; j++) {
    if constexpr (!Noncentered) g_sd[j] = lp_t[j] - K;
    if constexpr (Rotated) {
      const double root = std::sqrt(static_cast<double>(K));
      g[j][0] = ((Noncentered ? 1.0 : sd[j]) / root) * prefix[j];
      if constexpr (!Noncentered) g_sd[j] += ((sd[j] * ch[j].u) / root) * prefix[j];
    }
    ch[j].lp_t = lp_t[j];
    ch[j].g_sd = g_sd[j];
  }
}

template <bool Noncentered, bool Rotated>
void level_prior_of(LevelPriorChain* ch, std::uint32_t count, std::uint32_t K, const double* a) {
  for (std::uint32_t j = 0; j < count; j += 4) {
    switch (count - j) {
      case 1: level_prior_group<1, Noncentered, Rotated>(ch + j, K, a); break;
      case 2: level_prior_group<2, Noncentered, Rotated>(ch + j, K, a); break;
      case 3: level_prior_group<3, Noncentered, Rotated>(ch + j, K, a); break;
      default: level_prior_group<4, Noncentered, Rotated>(ch + j, K, a); break;
    }
  }
}

#endif

void level_prior(LevelPriorChain* ch, std::uint32_t count, std::uint32_t K, bool noncentered, const double* a) {
  if (noncentered) {
    if (a != nullptr) level_prior_of<true, true>(ch, count, K, a); else level_prior_of<true, false>(ch, count, K, a);
  } else {
    if (a != nullptr) level_prior_of<false, true>(ch, count, K, a); else level_prior_of<false, false>(ch, count, K, a);
  }
}
