// Branch-free elementary functions written so that a loop calling them vectorises (no libm calls, no branches,
// selects only). Accuracy: about 1 ulp on the ranges used by the logistic log-likelihood.
//
//   exp_nonpos(x)   e^x for x <= 0 (Cody–Waite range reduction x = k ln2 + r, |r| <= ln2/2, degree-13 Taylor
//                   polynomial in r (Estrin's scheme), 2^k built from its exponent bits). For x < -708.39 the
//                   result is 0 rather than a subnormal (absolute error below 3e-308).
//   exp_any(x)      the same for any x (the log-link families' means): +inf above 709.
//   log1p_and_reciprocal(e)   log(1 + e) and 1 / (1 + e) for e in [0, 1]: log(1 + e) = 2 atanh(s) with
//                   s = e / (2 + e) for e <= sqrt(2) - 1, and log(1 + e) = ln 2 + 2 atanh(s) with s = (e - 1) / (e + 3)
//                   above, so that |s| <= 0.1716; summed as the odd series 2 (s + s^3/3 + …) to s^21 (the next term
//                   is below 3e-17 relative). Worst error 3.7 ulp against long double log1p over 2e7 points (4.0 ulp
//                   for the former series in e / (2 + e) alone, which needed 16 terms). No selects: the branch is a
//                   0/1 factor from floor (selects here cost more than the terms saved).
//   log1p_and_reciprocal_tail(e)   the same for e <= e^-3 (|eta| >= 3, the rows of rare events): s <= 0.0243, so
//                   the series to s^9 suffices (next term below 7e-18 relative); 4.0 ulp worst against long double
//                   over 2e7 points of [0, e^-3], as the full version there.
// Internal linkage (anonymous namespace): each kernel translation unit, compiled for its own instruction set, keeps
// its own copy.
#pragma once

#include <cstdint>
#include <cstring>

namespace nutmeg {
namespace vmath {
namespace {

inline double bits_to_double(std::uint64_t u) {
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

inline std::uint64_t double_to_bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLog2e = 1.44269504088896338700;
// Adding 1.5 * 2^52 rounds a double of magnitude below 2^51 to an integer held in the low mantissa bits.
constexpr double kRoundMagic = 6755399441055744.0;
constexpr std::uint64_t kRoundMagicBits = 0x4338000000000000ULL;
constexpr double kExpLowest = -708.39;  // e^x is a normal double above this

constexpr double kExpHighest = 709.0;  // e^x is finite (k <= 1023) at and below this

// e^xc for xc in [kExpLowest, kExpHighest] (the clamped argument of the two functions below).
inline double exp_clamped(double xc) {
  const double shifted = xc * kLog2e + kRoundMagic;
  const double kd = shifted - kRoundMagic;
  const double r = (xc - kd * kLn2Hi) - kd * kLn2Lo;
  // Taylor polynomial sum_{j=0..13} r^j / j!, in Estrin's scheme (dependency depth 5 instead of Horner's 13, so
  // that the out-of-order core overlaps more rows).
  const double r2 = r * r;
  const double r4 = r2 * r2;
  const double r8 = r4 * r4;
  const double a0 = 1.0 + r;
  const double a1 = 0.5 + r * 1.66666666666666666667e-01;                    // 1/2!, 1/3!
  const double a2 = 4.16666666666666666667e-02 + r * 8.33333333333333333333e-03;  // 1/4!, 1/5!
  const double a3 = 1.38888888888888888889e-03 + r * 1.98412698412698412698e-04;  // 1/6!, 1/7!
  const double a4 = 2.48015873015873015873e-05 + r * 2.75573192239858906526e-06;  // 1/8!, 1/9!
  const double a5 = 2.75573192239858906526e-07 + r * 2.50521083854417187751e-08;  // 1/10!, 1/11!
  const double a6 = 2.08767569878680989792e-09 + r * 1.60590438368216145994e-10;  // 1/12!, 1/13!
  const double b0 = a0 + r2 * a1;
  const double b1 = a2 + r2 * a3;
  const double b2 = a4 + r2 * a5;
  const double c0 = b0 + r4 * b1;
  const double c1 = b2 + r4 * a6;
  const double p = c0 + r8 * c1;
  // k is in [-1022, 1023]; the biased exponent k + 1023 is in [1, 2046].
  const std::uint64_t k_biased = double_to_bits(shifted) - kRoundMagicBits + 1023ULL;
  const double scale = bits_to_double(k_biased << 52);
  return p * scale;
}

inline double exp_nonpos(double x) {
  const bool underflow = x < kExpLowest;
  const double result = exp_clamped(underflow ? kExpLowest : x);
  return underflow ? 0.0 : result;
}

// e^x for any x: 0 below kExpLowest, +inf above kExpHighest (e^709 ≈ 8.2e307; the few ulps of range between there
// and the largest double, where a log-link mean would be absurd anyway, also give +inf).
inline double exp_any(double x) {
  const bool underflow = x < kExpLowest;
  const bool overflow = x > kExpHighest;
  const double result = exp_clamped(underflow ? kExpLowest : overflow ? kExpHighest : x);
  return underflow ? 0.0 : overflow ? __builtin_inf() : result;
}

// log(1 + e) and 1 / (1 + e) for e in [0, 1], sharing one division: with u = 2 + e (3 + e above sqrt(2) - 1),
// v = 1 + e and q = 1 / (u v), s = (e or e - 1) v q and 1 / v = u q (about 2 ulp each instead of 0.5; ample for the
// kernels).
constexpr double kSqrt2Minus1 = 0.41421356237309504880;

inline void log1p_and_reciprocal(double e, double& log1p_e, double& reciprocal) {
  // 1 above the split point, else 0, by rounding down (no compare and select: the loop stays a straight line)
  const double shift = __builtin_floor(e + (1.0 - kSqrt2Minus1));
  const double u = (2.0 + shift) + e;
  const double v = 1.0 + e;
  const double q = 1.0 / (u * v);
  const double s = (e - shift) * v * q;
  reciprocal = u * q;
  const double t = s * s;  // <= 0.02944
  // sum_{n=0..9} 2 t^n / (2n + 3), in Estrin's scheme.
  const double t2 = t * t;
  const double t4 = t2 * t2;
  const double t8 = t4 * t4;
  const double a0 = 2.0 / 3.0 + t * (2.0 / 5.0);
  const double a1 = 2.0 / 7.0 + t * (2.0 / 9.0);
  const double a2 = 2.0 / 11.0 + t * (2.0 / 13.0);
  const double a3 = 2.0 / 15.0 + t * (2.0 / 17.0);
  const double a4 = 2.0 / 19.0 + t * (2.0 / 21.0);
  const double p = ((a0 + t2 * a1) + t4 * (a2 + t2 * a3)) + t8 * a4;
  // ln 2 in two parts (kLn2Hi + kLn2Lo) above the split point, 0 below
  log1p_e = shift * kLn2Hi + (2.0 * s + (s * (t * p) + shift * kLn2Lo));
}

// log1p_and_reciprocal for e <= e^-3 only.
inline void log1p_and_reciprocal_tail(double e, double& log1p_e, double& reciprocal) {
  const double u = 2.0 + e;
  const double v = 1.0 + e;
  const double q = 1.0 / (u * v);
  const double s = e * v * q;
  reciprocal = u * q;
  const double t = s * s;  // <= 5.9e-4
  const double t2 = t * t;
  // sum_{n=0..3} 2 t^n / (2n + 3)
  const double p = (2.0 / 3.0 + t * (2.0 / 5.0)) + t2 * (2.0 / 7.0 + t * (2.0 / 9.0));
  log1p_e = 2.0 * s + s * (t * p);
}

}  // namespace
}  // namespace vmath
}  // namespace nutmeg
