// Branch-free elementary functions written so that a loop calling them vectorises (no libm calls, no branches,
// selects only). Accuracy: about 1 ulp on the ranges used by the logistic log-likelihood.
//
//   exp_nonpos(x)   e^x for x <= 0 (Cody–Waite range reduction x = k ln2 + r, |r| <= ln2/2, degree-13 Taylor
//                   polynomial in r, 2^k built from its exponent bits). For x < -708.39 the result is 0 rather than
//                   a subnormal (absolute error below 3e-308).
//   log1p_unit(e)   log(1 + e) for e in [0, 1]: for e > sqrt(2) - 1 use 1 + e = 2 (1 + (e - 1)/2); then
//                   log(1 + f) = 2 atanh(f / (2 + f)) summed as an odd series in s = f / (2 + f), |s| <= 0.1716,
//                   to s^21 (the next term is below 3e-17 relative).
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

constexpr double kLn2 = 0.69314718055994530942;
// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLog2e = 1.44269504088896338700;
// Adding 1.5 * 2^52 rounds a double of magnitude below 2^51 to an integer held in the low mantissa bits.
constexpr double kRoundMagic = 6755399441055744.0;
constexpr std::uint64_t kRoundMagicBits = 0x4338000000000000ULL;
constexpr double kExpLowest = -708.39;  // e^x is a normal double above this
constexpr double kSqrt2Minus1 = 0.41421356237309504880;

inline double exp_nonpos(double x) {
  const bool underflow = x < kExpLowest;
  const double xc = underflow ? kExpLowest : x;
  const double shifted = xc * kLog2e + kRoundMagic;
  const double kd = shifted - kRoundMagic;
  const double r = (xc - kd * kLn2Hi) - kd * kLn2Lo;
  // Taylor coefficients 1/j!, j = 0..13, Horner form.
  double p = 1.60590438368216145994e-10;   // 1/13!
  p = p * r + 2.08767569878680989792e-09;  // 1/12!
  p = p * r + 2.50521083854417187751e-08;  // 1/11!
  p = p * r + 2.75573192239858906526e-07;  // 1/10!
  p = p * r + 2.75573192239858906526e-06;  // 1/9!
  p = p * r + 2.48015873015873015873e-05;  // 1/8!
  p = p * r + 1.98412698412698412698e-04;  // 1/7!
  p = p * r + 1.38888888888888888889e-03;  // 1/6!
  p = p * r + 8.33333333333333333333e-03;  // 1/5!
  p = p * r + 4.16666666666666666667e-02;  // 1/4!
  p = p * r + 1.66666666666666666667e-01;  // 1/3!
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // k is in [-1022, 0]; the biased exponent k + 1023 is in [1, 1023].
  const std::uint64_t k_biased = double_to_bits(shifted) - kRoundMagicBits + 1023ULL;
  const double scale = bits_to_double(k_biased << 52);
  const double result = p * scale;
  return underflow ? 0.0 : result;
}

inline double log1p_unit(double e) {
  const bool high = e > kSqrt2Minus1;
  const double f = high ? (e - 1.0) * 0.5 : e;
  const double offset = high ? kLn2 : 0.0;
  const double s = f / (2.0 + f);
  const double s2 = s * s;
  // sum_{n=1..10} 2 s2^n / (2n + 1), Horner form.
  double q = 2.0 / 21.0;
  q = q * s2 + 2.0 / 19.0;
  q = q * s2 + 2.0 / 17.0;
  q = q * s2 + 2.0 / 15.0;
  q = q * s2 + 2.0 / 13.0;
  q = q * s2 + 2.0 / 11.0;
  q = q * s2 + 2.0 / 9.0;
  q = q * s2 + 2.0 / 7.0;
  q = q * s2 + 2.0 / 5.0;
  q = q * s2 + 2.0 / 3.0;
  return offset + (2.0 * s + s * (s2 * q));
}

}  // namespace
}  // namespace vmath
}  // namespace nutmeg
