/**
 * A direct, recursive transcription of Stan's base_nuts::transition and build_tree (Stan ≥ 2.26: multinomial
 * sampling, generalized criterion with the extra checks across merged subtrees), for one chain with a diagonal
 * metric and a synchronous log density. Slow and allocation-heavy on purpose: it is the oracle the lockstep,
 * iterative tree builder of src/sampler/trajectory.ts is compared with, draw for draw, on the same random stream.
 */
import { logAddExp } from '../../../src/sampler/proposal.js';
import type { Rng } from '../../../src/rng.js';

export type LogDensityFn = (q: Float64Array) => { lp: number; grad: Float64Array };

interface Point {
  q: Float64Array;
  p: Float64Array;
  g: Float64Array;
  lp: number;
}

export interface ReferenceTransition {
  q: Float64Array;
  lp: number;
  grad: Float64Array;
  depth: number;
  nLeapfrog: number;
  acceptStat: number;
  divergent: boolean;
  energy: number;
}

interface Subtree {
  lsw: number;
  prop: Point;
  rho: Float64Array;
  psBeg: Float64Array;
  psEnd: Float64Array;
  pBeg: Float64Array;
  pEnd: Float64Array;
}

const add = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v + b[i]);
const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const criterion = (psMinus: Float64Array, psPlus: Float64Array, rho: Float64Array): boolean =>
  dot(psPlus, rho) > 0 && dot(psMinus, rho) > 0;

export function stanTransition(
  f: LogDensityFn,
  start: { q: Float64Array; lp: number; grad: Float64Array },
  invMetric: Float64Array,
  eps: number,
  maxDepth: number,
  rng: Rng,
): ReferenceTransition {
  const d = start.q.length;
  const kinetic = (p: Float64Array): number => {
    let k = 0;
    for (let i = 0; i < d; i++) k += invMetric[i] * p[i] * p[i];
    return 0.5 * k;
  };
  const H = (z: Point): number => -z.lp + kinetic(z.p);
  const sharp = (p: Float64Array): Float64Array => p.map((v, i) => invMetric[i] * v);
  const leapfrog = (z: Point, e: number): Point => {
    const p = z.p.map((v, i) => v + 0.5 * e * z.g[i]);
    const q = z.q.map((v, i) => v + e * invMetric[i] * p[i]);
    const { lp, grad } = f(q);
    const p2 = p.map((v, i) => v + 0.5 * e * grad[i]);
    return { q, p: p2, g: grad, lp: Number.isFinite(lp) ? lp : -Infinity };
  };

  const p0 = new Float64Array(d);
  for (let i = 0; i < d; i++) p0[i] = rng.normal() / Math.sqrt(invMetric[i]);
  const z0: Point = { q: start.q, p: p0, g: start.grad, lp: start.lp };
  const H0 = H(z0);
  let nLeapfrog = 0;
  let sumMetro = 0;
  let divergent = false;

  const build = (holder: { z: Point }, depth: number, sign: number): Subtree | null => {
    if (depth === 0) {
      holder.z = leapfrog(holder.z, sign * eps);
      nLeapfrog++;
      let h = H(holder.z);
      if (Number.isNaN(h)) h = Infinity;
      if (h - H0 > 1000) divergent = true;
      sumMetro += H0 - h > 0 ? 1 : Math.exp(H0 - h);
      if (divergent) return null;
      const ps = sharp(holder.z.p);
      return { lsw: H0 - h, prop: holder.z, rho: holder.z.p, psBeg: ps, psEnd: ps, pBeg: holder.z.p, pEnd: holder.z.p };
    }
    const init = build(holder, depth - 1, sign);
    if (!init) return null;
    const fin = build(holder, depth - 1, sign);
    if (!fin) return null;
    const lswSubtree = logAddExp(init.lsw, fin.lsw);
    let prop = init.prop;
    if (fin.lsw > lswSubtree) prop = fin.prop;
    else if (rng.uniform() < Math.exp(fin.lsw - lswSubtree)) prop = fin.prop;
    const rhoSubtree = add(init.rho, fin.rho);
    let persist = criterion(init.psBeg, fin.psEnd, rhoSubtree);
    persist = persist && criterion(init.psBeg, fin.psBeg, add(init.rho, fin.pBeg));
    persist = persist && criterion(init.psEnd, fin.psEnd, add(fin.rho, init.pEnd));
    if (!persist) return null;
    return { lsw: lswSubtree, prop, rho: rhoSubtree, psBeg: init.psBeg, psEnd: fin.psEnd, pBeg: init.pBeg, pEnd: fin.pEnd };
  };

  let zFwd = z0;
  let zBck = z0;
  let sample = z0;
  const ps0: Float64Array = sharp(p0);
  let [psFF, psFB, psBF, psBB]: Float64Array[] = [ps0, ps0, ps0, ps0];
  let [pFF, pFB, pBF, pBB]: Float64Array[] = [p0, p0, p0, p0];
  let rho: Float64Array = p0;
  let lsw = 0;
  let depth = 0;
  while (depth < maxDepth) {
    let rhoFwd: Float64Array;
    let rhoBck: Float64Array;
    let sub: Subtree | null;
    if (rng.uniform() > 0.5) {
      rhoBck = rho;
      pBF = pFF;
      psBF = psFF;
      const holder = { z: zFwd };
      sub = build(holder, depth, 1);
      zFwd = holder.z;
      if (!sub) break;
      rhoFwd = sub.rho;
      [psFB, psFF, pFB, pFF] = [sub.psBeg, sub.psEnd, sub.pBeg, sub.pEnd];
    } else {
      rhoFwd = rho;
      pFB = pBB;
      psFB = psBB;
      const holder = { z: zBck };
      sub = build(holder, depth, -1);
      zBck = holder.z;
      if (!sub) break;
      rhoBck = sub.rho;
      [psBF, psBB, pBF, pBB] = [sub.psBeg, sub.psEnd, sub.pBeg, sub.pEnd];
    }
    depth++;
    if (sub.lsw > lsw) sample = sub.prop;
    else if (rng.uniform() < Math.exp(sub.lsw - lsw)) sample = sub.prop;
    lsw = logAddExp(lsw, sub.lsw);
    rho = add(rhoBck, rhoFwd);
    let persist = criterion(psBB, psFF, rho);
    persist = persist && criterion(psBB, psFB, add(rhoBck, pFB));
    persist = persist && criterion(psBF, psFF, add(rhoFwd, pBF));
    if (!persist) break;
  }
  return {
    q: sample.q,
    lp: sample.lp,
    grad: sample.g,
    depth,
    nLeapfrog,
    acceptStat: sumMetro / nLeapfrog,
    divergent,
    energy: H(sample),
  };
}
