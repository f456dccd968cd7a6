/**
 * Stan's reference draws (tests/fixtures/analyses, from shared/golden/stan) renamed to nutmeg's parameter names as
 * shared/golden/README.md maps them, so that the same code computes the decision quantities from either posterior.
 */
import { fileURLToPath } from 'node:url';
import { makeDrawSet, variableDraws, type DrawSet } from '../../src/draws.js';
import { readDrawsCsv } from '../../src/io/draws-csv-read.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/analyses/${name}.draws.csv.gz`, import.meta.url));

const SLOPES = ['recency_z', 'history_z', 'mens', 'womens', 'newbie'];

/** Each nutmeg name → a function of the Stan draw's variables (by Stan name). */
type Mapping = Record<string, (get: (stanName: string) => number) => number>;

function rename(stan: DrawSet, mapping: Mapping): DrawSet {
  const names = Object.keys(mapping);
  const out = makeDrawSet(names, stan.nChains, stan.nDraws);
  const S = stan.nChains * stan.nDraws;
  const columns = new Map(stan.names.map((n, v) => [n, variableDraws(stan, v)]));
  names.forEach((name, v) => {
    const target = variableDraws(out, v);
    for (let s = 0; s < S; s++) {
      target[s] = mapping[name]((stanName) => {
        const c = columns.get(stanName);
        if (c === undefined) throw new Error(`Stan draws have no ${stanName}`);
        return c[s];
      });
    }
  });
  return out;
}

export function stanPooledDraws(): DrawSet {
  const { draws } = readDrawsCsv([fixture('pooled')]);
  const mapping: Mapping = { b_Intercept: (g) => g('alpha'), b_treatment: (g) => g('beta[1]') };
  SLOPES.forEach((slope, k) => (mapping[`b_${slope}`] = (g) => g(`beta[${k + 2}]`)));
  return rename(draws, mapping);
}

export function stanHierarchicalDraws(levels: number): DrawSet {
  const { draws } = readDrawsCsv([fixture('hierarchical')]);
  const mapping: Mapping = { b_Intercept: (g) => g('alpha'), b_treatment: (g) => g('mu_t') };
  SLOPES.forEach((slope, k) => (mapping[`b_${slope}`] = (g) => g(`beta[${k + 1}]`)));
  mapping['sd_history_segment__treatment'] = (g) => g('sigma_t');
  for (let k = 1; k <= levels; k++) {
    mapping[`z_history_segment__treatment[${k}]`] = (g) => g(`z_t[${k}]`);
    mapping[`r_history_segment__treatment[${k}]`] = (g) => g(`beta_t_group[${k}]`) - g('mu_t');
  }
  return rename(draws, mapping);
}
