/**
 * exp, log, log10, log1p, expm1, tanh, atanh, pow, sin and cos computed with IEEE 754 double arithmetic alone
 * (+ − × ÷, √ and bit moves, each exactly rounded by every JavaScript engine), so they give the same bits in every
 * engine. The engines' own Math functions do not: ECMAScript lets them be approximate, and V8 has changed its
 * implementations between versions (Node 20's V8 11.3 against Chromium 156: 2–10 % of exp, log, sin, cos and **
 * values differ in the last bit). The reference backend, the sampler, the random number generator, the data
 * simulator, PSIS-LOO and the diagnostics call these, so the same seed gives the same draws in Node and in a page
 * (issue 18 item 5).
 *
 * The algorithms are those of fdlibm 5.3 (Sun Microsystems, 1993–2004; K. C. Ng et al.): argument reduction to a
 * small interval, a minimax polynomial or rational approximation there (Remez), and a reconstruction carried in extra
 * precision (high and low parts); each is below 1 ulp of the exact value. V8 11.3 (Node 20) computes Math.exp, log,
 * log10, log1p, expm1, tanh and atanh with the same algorithms, and these give exactly its bits
 * (tests/numeric/portable-math.test.ts), so switching the core to them changed no Node result through them. Its Math.pow is
 * another implementation: pow here is within 1 ulp of it and differs in ~4 % of values, which reaches the draws only
 * through dual averaging's weight n^−κ (two fits of the hierarchical model, Stan and Fisher warm-up, gave the same draws
 * before and after) and the simulator's u^p (rounded to 2 decimals after). Its sin and cos differ from these in ~0.5 %
 * of values (1 ulp); they serve the FFT's twiddle factors (ESS) and log-gamma's reflection, not the draws.
 */

// A reinterpretation cell for the bit moves (high and low 32-bit words of a double). Not state: every use writes the
// double before reading a word back, within one synchronous call.
const cell = new Float64Array(1);
const words = new Int32Array(cell.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

/** The high word (sign, exponent, top 20 mantissa bits) of x, as a signed 32-bit integer. */
function high(x: number): number {
  cell[0] = x;
  return words[HI];
}

/** The low word of x, as an unsigned 32-bit integer. */
function low(x: number): number {
  cell[0] = x;
  return words[LO] >>> 0;
}

/** The double with high word h and low word l. */
function fromWords(h: number, l: number): number {
  words[HI] = h;
  words[LO] = l;
  return cell[0];
}

/** x with its low word cleared. */
function lowCleared(x: number): number {
  cell[0] = x;
  words[LO] = 0;
  return cell[0];
}

/** x with its high word replaced by h. */
function withHigh(x: number, h: number): number {
  cell[0] = x;
  words[HI] = h;
  return cell[0];
}

/** z · 2^n for z in [0.5, 2) and n ≤ 0 (pow's tiny results), rounded once as C's scalbn, also to a subnormal. */
function scaleDown(z: number, n: number): number {
  if (n >= -1022) return z * fromWords((n + 1023) << 20, 0);
  return z * fromWords((n + 54 + 1023) << 20, 0) * 5.551115123125783e-17; // × 2^(n+54) exactly, then × 2^−54
}

const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2 = 1.44269504088896338700e0; // 0x3FF71547 652B82FE
const TWO54 = 1.80143985094819840000e16;
const TWO_M1000 = 9.33263618503218878990e-302;
const TWO_1023 = 8.988465674311579539e307;
// exp's rational approximation R(r²) of r·(e^r + 1)/(e^r − 1) on [0, ln2/2]
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
// log's polynomial in s² for (log(1+f) − 2s)/s, s = f/(2+f)
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** e^x, below 1 ulp. */
export function exp(x: number): number {
  let hx = high(x);
  const negative = hx < 0;
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: overflow, underflow, ±∞ or NaN
    if (hx >= 0x7ff00000) return x !== x ? x : negative ? 0 : x;
    if (x > 7.09782712893383973096e2) return Infinity;
    if (x < -7.45133219101941108420e2) return 0;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2: x = k·ln2 + r
    if (hx < 0x3ff0a2b2) {
      if (x === 1) return 2.718281828459045;
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = (INV_LN2 * x + (negative ? -0.5 : 0.5)) | 0;
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1 + x; // |x| < 2^−28
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * TWO_1023;
    return y * fromWords((0x3ff00000 + (k << 20)) | 0, 0);
  }
  return y * fromWords((0x3ff00000 + ((k + 1000) << 20)) | 0, 0) * TWO_M1000;
}

/** The natural logarithm, below 1 ulp. */
export function log(x: number): number {
  let hx = high(x);
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^−1022: zero, negative or subnormal
    if (((hx & 0x7fffffff) | low(x)) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = high(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = withHigh(x, hx | (i ^ 0x3ff00000)); // x or x/2 in [√2/2, √2)
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^−20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * LN2_HI - (R - k * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - R) : k * LN2_HI - (s * (f - R) - k * LN2_LO - f);
}

/** The base-10 logarithm: log10(2)·k + log(m)/ln 10 for x = 2^k·m, m in [1, 2); log10(10^n) = n for n = 0 … 22. */
export function log10(x: number): number {
  let hx = high(x);
  let lx = low(x);
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = high(x);
    lx = low(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  if (hx === 0x3ff00000 && lx === 0) return 0;
  k += (hx >> 20) - 1023;
  const i = k >>> 31; // 1 for k < 0: then m in [0.5, 1) and k + 1
  const y = k + i;
  const z = y * 3.69423907715893078616e-13 + 4.34294481903251816668e-1 * log(fromWords((hx & 0x000fffff) | ((0x3ff - i) << 20), lx));
  return z + y * 3.01029995663611771306e-1;
}

/** log(1 + x), below 1 ulp, accurate for x near 0. */
export function log1p(x: number): number {
  const hx = high(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) {
    // 1 + x < √2
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x ≤ −1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5; // |x| < 2^−29
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) {
      // √2/2 ≤ 1 + x < √2: no reduction
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = high(u);
      k = (hu >> 20) - 1023;
      c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u; // the rounding error of 1 + x, relative
    } else {
      u = x;
      hu = high(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHigh(u, hu | 0x3ff00000);
    } else {
      k += 1;
      u = withHigh(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    // |f| < 2^−20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const R = hfsq * (1 - 0.66666666666666666 * f);
    return k === 0 ? f - R : k * LN2_HI - (R - (k * LN2_LO + c) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - (hfsq - (s * (hfsq + R) + (k * LN2_LO + c)) - f);
}

// expm1's rational approximation, coefficients scaled by 2^i for z = x²/2
const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;

/** e^x − 1, below 1 ulp, accurate for x near 0. */
export function expm1(x: number): number {
  let hx = high(x);
  const negative = hx < 0;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    // |x| ≥ 56·ln2
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) return x !== x ? x : negative ? -1 : x;
      if (x > 7.09782712893383973096e2) return Infinity;
    }
    if (negative) return -1;
  }
  let k = 0;
  let c = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2
    let hi: number;
    let lo: number;
    if (hx < 0x3ff0a2b2) {
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = (INV_LN2 * x + (negative ? -0.5 : 0.5)) | 0;
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    return x; // |x| < 2^−54
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  let t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  const twopk = fromWords((0x3ff00000 + (k << 20)) | 0, 0);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) {
    let y = 1 - (e - x);
    y = k === 1024 ? y * 2 * TWO_1023 : y * twopk;
    return y - 1;
  }
  if (k < 20) {
    t = fromWords(0x3ff00000 - (0x200000 >> k), 0); // 1 − 2^−k
    return (t - (e - x)) * twopk;
  }
  t = fromWords((0x3ff - k) << 20, 0); // 2^−k
  return (x - (e + t) + 1) * twopk;
}

/** The hyperbolic tangent, from expm1. */
export function tanh(x: number): number {
  const jx = high(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) return x !== x ? x : jx >= 0 ? 1 : -1;
  let z: number;
  if (ix < 0x40360000) {
    // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^−28
    if (ix >= 0x3ff00000) {
      const t = expm1(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = expm1(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else {
    z = 1;
  }
  return jx >= 0 ? z : -z;
}

/** The inverse hyperbolic tangent, from log1p. */
export function atanh(x: number): number {
  const hx = high(x);
  const ix = hx & 0x7fffffff;
  const a = Math.abs(x);
  if (a > 1 || a !== a) return NaN;
  if (a === 1) return x > 0 ? Infinity : -Infinity;
  if (ix < 0x3e300000) return x; // |x| < 2^−28
  const t = ix < 0x3fe00000 ? 0.5 * log1p(a + a + ((a + a) * a) / (1 - a)) : 0.5 * log1p((a + a) / (1 - a));
  return hx >= 0 ? t : -t;
}

// pow: log2(x) in extra precision, then 2^(y·log2 x)
const BP = [1, 1.5];
const DP_H = [0, 5.84962487220764160156e-1]; // log2(1.5) high
const DP_L = [0, 1.35003920212974897128e-8]; // log2(1.5) low
const TWO53 = 9007199254740992;
const L1 = 5.99999999999994648725e-1;
const L2 = 4.28571428578550184252e-1;
const L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1;
const L5 = 2.30660745775561754067e-1;
const L6 = 2.06975017800338417784e-1;
const LG2_FULL = 6.93147180559945286227e-1;
const LG2_H = 6.93147182464599609375e-1;
const LG2_L = -1.90465429995776804525e-9;
const OVT = 8.0085662595372944372e-17; // −(1024 − log2(overflow + ½ ulp))
const CP = 9.61796693925975554329e-1; // 2/(3·ln2)
const CP_H = 9.61796700954437255859e-1;
const CP_L = -7.02846165095275826516e-9;
const IVLN2_H = 1.44269502162933349609e0;
const IVLN2_L = 1.92596299112661746887e-8;

/** x^y with ECMAScript's special cases (Math.pow, **), below 1 ulp. */
export function pow(x: number, y: number): number {
  if (y !== y) return NaN;
  if (y === 0) return 1;
  if ((x === 1 || x === -1) && (y === Infinity || y === -Infinity)) return NaN;
  if (x !== x) return NaN;
  if (x === 1) return 1;
  const hx = high(x);
  const lx = low(x);
  const hy = high(y);
  const ly = low(y);
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;

  // when x < 0: 0 y is not an integer, 1 an odd integer, 2 an even integer
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) yisint = 2;
    else if (iy >= 0x3ff00000) {
      const e = (iy >> 20) - 0x3ff;
      if (e > 20) {
        const j = ly >>> (52 - e);
        if ((j << (52 - e)) >>> 0 === ly) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        const j = iy >> (20 - e);
        if (j << (20 - e) === iy) yisint = 2 - (j & 1);
      }
    }
  }
  if (ly === 0) {
    if (iy === 0x7ff00000) {
      // y = ±∞
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0;
      return hy < 0 ? -y : 0;
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x; // y = ±1
    if (hy === 0x40000000) return x * x; // y = 2
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x); // y = 0.5
  }
  let ax = Math.abs(x);
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) {
    // x = ±0, ±∞, ±1
    let z = hy < 0 ? 1 / ax : ax;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) === 0) z = NaN; // (−1)^non-integer
      else if (yisint === 1) z = -z;
    }
    return z;
  }
  let n = (hx >>> 31) - 1;
  if ((n | yisint) === 0) return NaN; // (x < 0)^non-integer
  const sign = (n | (yisint - 1)) === 0 ? -1 : 1;

  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31
    if (iy > 0x43f00000) {
      if (ix <= 0x3fefffff) return hy < 0 ? Infinity : 0;
      if (ix >= 0x3ff00000) return hy > 0 ? Infinity : 0;
    }
    if (ix < 0x3fefffff) return hy < 0 ? sign * Infinity : sign * 0;
    if (ix > 0x3ff00000) return hy > 0 ? sign * Infinity : sign * 0;
    // |1 − x| ≤ 2^−20: log(x) by its series
    const t = ax - 1;
    const w = t * t * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * INV_LN2;
    t1 = lowCleared(u + v);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) {
      ax *= TWO53;
      n -= 53;
      ix = high(ax);
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    let k: number;
    ix = j | 0x3ff00000;
    if (j <= 0x3988e) k = 0;
    else if (j < 0xbb67a) k = 1;
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = withHigh(ax, ix);
    // ss = s_h + s_l = (x − 1)/(x + 1) or (x − 1.5)/(x + 1.5)
    let u = ax - BP[k];
    let v = 1 / (ax + BP[k]);
    const ss = u * v;
    const sH = lowCleared(ss);
    let tH = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0);
    let tL = ax - (tH - BP[k]);
    const sL = v * (u - sH * tH - sH * tL);
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    tH = lowCleared(3 + s2 + r);
    tL = r - (tH - 3 - s2);
    u = sH * tH;
    v = sL * tH + tL * ss;
    const pH = lowCleared(u + v);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + DP_L[k];
    const t = n;
    t1 = lowCleared(zH + zL + DP_H[k] + t);
    t2 = zL - (t1 - t - DP_H[k] - zH);
  }

  // (y1 + y2)·(t1 + t2), y1 = y with its low word cleared
  const y1 = lowCleared(y);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  const j = high(z);
  const i = low(z) | 0;
  if (j >= 0x40900000) {
    // z ≥ 1024
    if (((j - 0x40900000) | i) !== 0) return sign * Infinity;
    if (pL + OVT > z - pH) return sign * Infinity;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    // z ≤ −1075
    if (((j - 0xc090cc00) | i) !== 0) return sign * 0;
    if (pL <= z - pH) return sign * 0;
  }
  // 2^(pH + pL)
  const ia = j & 0x7fffffff;
  let k = (ia >> 20) - 0x3ff;
  n = 0;
  if (ia > 0x3fe00000) {
    // |z| > 0.5: n = [z + 0.5]
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;
    const t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  const t = lowCleared(pL + pH);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2_FULL + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  const tt = z * z;
  const r1 = z - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
  const r = (z * r1) / (r1 - 2) - (w + z * w);
  z = 1 - (r - z);
  const jz = (high(z) + (n << 20)) | 0;
  z = jz >> 20 <= 0 ? scaleDown(z, n) : withHigh(z, jz);
  return sign * z;
}

// sin and cos: kernels on [−π/4, π/4] (minimax polynomials of degree 13 and 14) after x − n·π/2 in up to three
// steps of 33 bits of π/2 each (Cody & Waite; fdlibm's medium-size reduction as revised by B. D. Evans)
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417e0;
const PIO2_1T = 6.07710050650619224932e-11;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.02226624871116645580e-21;
const PIO2_3T = 8.47842766036889956997e-32;
const ROUNDER = 6755399441055744; // 1.5 · 2^52: x + ROUNDER − ROUNDER rounds x to a whole number

function sinKernel(x: number, y: number): number {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  return y === 0 ? x + v * (S1 + z * r) : x - (z * (0.5 * y - v * r) - y - v * S1);
}

function cosKernel(x: number, y: number): number {
  const z = x * x;
  let w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  w = 1 - hz;
  return w + (1 - w - hz + (z * r - x * y));
}

/** sin(x) for quarter 0, cos(x) for quarter 1 (cos x = sin(x + π/2)). */
function sine(x: number, quarter: number): number {
  const ix = high(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    // |x| ≤ π/4
    if (quarter === 0) return ix < 0x3e400000 ? x : sinKernel(x, 0);
    return cosKernel(x, 0);
  }
  if (ix >= 0x7ff00000) return NaN;
  if (ix >= 0x413921fb) return quarter === 0 ? Math.sin(x) : Math.cos(x); // |x| ≥ 2^20·π/2: outside the reduction here
  const fn = x * INV_PIO2 + ROUNDER - ROUNDER;
  const n = fn | 0;
  let r = x - fn * PIO2_1;
  let w = fn * PIO2_1T; // good to 85 bits
  const j = ix >> 20;
  let y0 = r - w;
  if (j - ((high(y0) >> 20) & 0x7ff) > 16) {
    // cancellation: a second step, good to 118 bits
    let t = r;
    w = fn * PIO2_2;
    r = t - w;
    w = fn * PIO2_2T - (t - r - w);
    y0 = r - w;
    if (j - ((high(y0) >> 20) & 0x7ff) > 49) {
      // and a third, 151 bits
      t = r;
      w = fn * PIO2_3;
      r = t - w;
      w = fn * PIO2_3T - (t - r - w);
      y0 = r - w;
    }
  }
  const y1 = r - y0 - w;
  switch ((n + quarter) & 3) {
    case 0:
      return sinKernel(y0, y1);
    case 1:
      return cosKernel(y0, y1);
    case 2:
      return -sinKernel(y0, y1);
    default:
      return -cosKernel(y0, y1);
  }
}

/** The sine, within 1 ulp, for |x| < 2^20·π/2 ≈ 1.6·10⁶ (beyond that, the engine's Math.sin). */
export function sin(x: number): number {
  return sine(x, 0);
}

/** The cosine, within 1 ulp, for |x| < 2^20·π/2 ≈ 1.6·10⁶ (beyond that, the engine's Math.cos). */
export function cos(x: number): number {
  return sine(x, 1);
}
