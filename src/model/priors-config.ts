/**
 * Prior configuration: the model's default priors (data-scaled, src/model/family-priors.ts), overrides from the API
 * or the CLI, and their validation. Override targets, most specific first:
 *   b_<term>              one fixed effect (b_Intercept included)
 *   sd_<group>__<term>    one varying term's sd
 *   sd_<group>            every varying term of a grouping factor
 *   Intercept | b | sd    a whole class (class b excludes the intercept)
 *   sigma | shape         the family's auxiliary parameter (gaussian/lognormal; negbinomial/gamma)
 *   cor_<group> | cor     the correlations of a grouping factor's correlated terms `(1 + x | g)`, or of all: lkj(eta)
 */
import { UserError } from '../errors.js';
import type { FamilyDefaults } from './family-priors.js';
import { DEFAULT_COR_PRIOR, formatPrior, POSITIVE_FAMILIES, REAL_FAMILIES, type LkjPrior, type Prior, type PriorFamily } from './prior.js';

/** Parameter names of each family, in order. */
const FAMILY_PARAMS: Readonly<Record<PriorFamily, readonly string[]>> = {
  normal: ['mu', 'sigma'],
  student_t: ['nu', 'mu', 'sigma'],
  halfnormal: ['sigma'],
  halfstudent_t: ['nu', 'sigma'],
  exponential: ['rate'],
  gamma: ['shape', 'rate'],
};
/** Parameters that must be positive. */
const POSITIVE_PARAMS: ReadonlySet<string> = new Set(['sigma', 'nu', 'rate', 'shape']);

/**
 * Overrides as given by a caller: target → prior (or its text, e.g. "normal(0, 1)", "lkj(2)"); or CLI strings
 * "target=prior".
 */
export type PriorOverrides = Readonly<Record<string, Prior | LkjPrior | string>> | readonly string[];

/** Which parameters a model has, for resolving and checking overrides. */
export interface PriorTargets {
  /** Fixed-effect labels ("Intercept", "treatment", …). */
  readonly fixed: readonly string[];
  /** Column of the intercept in `fixed`, or -1. */
  readonly interceptColumn: number;
  /** Varying terms as (group name, term label). */
  readonly terms: readonly { readonly group: string; readonly term: string }[];
  /** The family's auxiliary parameters by name ("sigma", "shape"); absent for none. */
  readonly aux?: readonly string[];
  /** The grouping factor of each correlated block (src/model/spec.ts, CorrelatedBlock), in block order; absent for none. */
  readonly correlations?: readonly string[];
  /** The model's default priors (src/model/family-priors.ts, familyDefaults). */
  readonly defaults: FamilyDefaults;
}

export interface PriorAssignment {
  /** Parameter name, e.g. "b_treatment", "sd_zip_code__Intercept" or "cor_subject" (the correlations of a group). */
  readonly parameter: string;
  readonly prior: Prior | LkjPrior;
  /** "default" or the override target that set it ("b", "sd_zip_code", …). */
  readonly source: string;
}

export interface ResolvedPriors {
  /** Prior of each fixed effect, in column order. */
  readonly fixed: readonly Prior[];
  /** Prior of each varying term's sd, in term order. */
  readonly sd: readonly Prior[];
  /** Prior of each auxiliary parameter, in PriorTargets.aux order. */
  readonly aux: readonly Prior[];
  /** LKJ prior of each correlated block, in PriorTargets.correlations order. */
  readonly cor: readonly LkjPrior[];
  /** Every assignment, fixed effects first, then sds, then auxiliary parameters, then correlations (one row per group). */
  readonly table: readonly PriorAssignment[];
}

function isFamily(name: string): name is PriorFamily {
  return Object.prototype.hasOwnProperty.call(FAMILY_PARAMS, name);
}

/** Whether an override target is a correlation prior's (`cor`, `cor_<group>`). */
export function isCorrelationTarget(target: string): boolean {
  return target === 'cor' || target.startsWith('cor_');
}

/** Parses "family(a, b, …)"; `where` prefixes messages (e.g. "prior 'b=normal(0)'"). */
export function parsePrior(text: string, where: string): Prior {
  const s = text.trim();
  const open = s.indexOf('(');
  if (open < 0 || !s.endsWith(')')) {
    throw new UserError(`${where}: expected family(parameters), e.g. normal(0, 1)`);
  }
  const family = s.slice(0, open).trim();
  if (family === 'lkj') throw new UserError(`${where}: lkj is the prior of correlations; give it to cor or cor_<group>`);
  if (!isFamily(family)) {
    throw new UserError(`${where}: unknown family '${family}'; use one of ${Object.keys(FAMILY_PARAMS).join(', ')}`);
  }
  const inner = s.slice(open + 1, -1).trim();
  const params = inner === '' ? [] : inner.split(',').map((a) => a.trim());
  const values = params.map((a) => (a === '' ? NaN : Number(a)));
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new UserError(`${where}: parameter ${i + 1} '${params[i]}' is not a finite number`);
  });
  return checkPrior({ family, params: values }, where);
}

/** Parses "lkj(eta)" for a correlation target, eta > 0. */
export function parseLkjPrior(text: string, where: string): LkjPrior {
  const s = text.trim();
  const match = /^lkj\s*\(([^()]*)\)$/.exec(s);
  if (!match) throw new UserError(`${where}: a correlation takes lkj(eta), e.g. lkj(2)`);
  const arg = match[1].trim();
  return checkLkjPrior({ family: 'lkj', params: arg === '' ? [] : arg.split(',').map((a) => (a.trim() === '' ? NaN : Number(a.trim()))) }, where);
}

/** Checks an LKJ prior: one parameter eta, finite and positive. */
export function checkLkjPrior(prior: LkjPrior, where: string): LkjPrior {
  if (prior.family !== 'lkj') throw new UserError(`${where}: a correlation takes lkj(eta), e.g. lkj(2)`);
  if (prior.params.length !== 1) throw new UserError(`${where}: lkj takes 1 parameter (eta), got ${prior.params.length}`);
  const eta = prior.params[0];
  if (!(Number.isFinite(eta) && eta > 0)) throw new UserError(`${where}: eta must be a positive number, got ${eta}`);
  return prior;
}

/** Checks the parameter count and positivity of a prior's parameters. */
export function checkPrior(prior: Prior, where: string): Prior {
  const names = FAMILY_PARAMS[prior.family];
  if (!names) {
    throw new UserError(`${where}: unknown family '${String(prior.family)}'; use one of ${Object.keys(FAMILY_PARAMS).join(', ')}`);
  }
  if (prior.params.length !== names.length) {
    throw new UserError(
      `${where}: ${prior.family} takes ${names.length} parameter${names.length > 1 ? 's' : ''} (${names.join(', ')}), got ${prior.params.length}`,
    );
  }
  prior.params.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new UserError(`${where}: ${names[i]} must be a finite number, got ${v}`);
    if (POSITIVE_PARAMS.has(names[i]) && !(v > 0)) {
      throw new UserError(`${where}: ${names[i]} must be positive, got ${v}`);
    }
  });
  return prior;
}

/** Splits CLI strings "target=family(…)" into a target → prior-text record; repeated targets are an error. */
export function parsePriorArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UserError(`prior '${arg}': expected target=family(parameters), e.g. b_treatment=normal(0, 1)`);
    const target = arg.slice(0, eq).trim();
    if (Object.prototype.hasOwnProperty.call(out, target)) {
      throw new UserError(`prior '${arg}': '${target}' is given a prior twice; give it once`);
    }
    out[target] = arg.slice(eq + 1);
  }
  return out;
}

type Given = { readonly prior: Prior; readonly where: string; readonly cor?: undefined } | { readonly cor: LkjPrior; readonly where: string; readonly prior?: undefined };

function overrideRecord(overrides: PriorOverrides | undefined): Map<string, Given> {
  const map = new Map<string, Given>();
  if (!overrides) return map;
  const record: Readonly<Record<string, Prior | LkjPrior | string>> = Array.isArray(overrides)
    ? parsePriorArgs(overrides as readonly string[])
    : (overrides as Readonly<Record<string, Prior | LkjPrior | string>>);
  for (const [target, value] of Object.entries(record)) {
    const where = `prior '${target}=${typeof value === 'string' ? value.trim() : formatPrior(value)}'`;
    if (isCorrelationTarget(target)) {
      map.set(target, { cor: typeof value === 'string' ? parseLkjPrior(value, where) : checkLkjPrior(value as LkjPrior, where), where });
    } else if (typeof value === 'string') {
      map.set(target, { prior: parsePrior(value, where), where });
    } else {
      if (value.family === 'lkj') throw new UserError(`${where}: lkj is the prior of correlations; give it to cor or cor_<group>`);
      map.set(target, { prior: checkPrior(value, where), where });
    }
  }
  return map;
}

/** Assigns a prior to every parameter of the model: defaults, then class, group and single-parameter overrides. */
export function resolvePriors(targets: PriorTargets, overrides?: PriorOverrides): ResolvedPriors {
  const given = overrideRecord(overrides);
  const valid = validTargets(targets);
  for (const [key, o] of given) {
    if (!valid.includes(key)) {
      throw new UserError(`${o.where}: the model has no parameter or class '${key}'; valid targets: ${valid.join(', ')}`);
    }
    if (o.prior === undefined) continue; // lkj, checked when parsed
    const onAux = (targets.aux ?? []).includes(key);
    const onSd = key === 'sd' || key.startsWith('sd_') || onAux;
    if (onSd && !POSITIVE_FAMILIES.has(o.prior.family)) {
      throw new UserError(
        `${o.where}: ${o.prior.family} is on the whole real line; ${onAux ? key : 'an sd'} takes halfnormal, halfstudent_t, exponential or gamma`,
      );
    }
    if (!onSd && !REAL_FAMILIES.has(o.prior.family)) {
      throw new UserError(`${o.where}: ${o.prior.family} is for positive parameters; a coefficient takes normal or student_t`);
    }
  }
  const pick = (parameter: string, keys: readonly string[], fallback: Prior): PriorAssignment & { prior: Prior } => {
    for (const key of keys) {
      const o = given.get(key);
      if (o?.prior) return { parameter, prior: o.prior, source: key };
    }
    return { parameter, prior: fallback, source: 'default' };
  };
  const pickCor = (group: string): PriorAssignment & { prior: LkjPrior } => {
    for (const key of [`cor_${group}`, 'cor']) {
      const o = given.get(key);
      if (o?.cor) return { parameter: `cor_${group}`, prior: o.cor, source: key };
    }
    return { parameter: `cor_${group}`, prior: DEFAULT_COR_PRIOR, source: 'default' };
  };
  const d = targets.defaults;
  const fixedRows = targets.fixed.map((label, j) => {
    const parameter = `b_${label}`;
    return j === targets.interceptColumn
      ? pick(parameter, [parameter, 'Intercept'], d.intercept)
      : pick(parameter, [parameter, 'b'], d.b[j]);
  });
  const sdRows = targets.terms.map(({ group, term }) => {
    const parameter = `sd_${group}__${term}`;
    return pick(parameter, [parameter, `sd_${group}`, 'sd'], d.sd);
  });
  const auxRows = (targets.aux ?? []).map((name, a) => {
    const fallback = d.aux[a];
    if (!fallback) throw new Error(`resolvePriors: no default prior for auxiliary parameter ${name}`);
    return pick(name, [name], fallback);
  });
  const corGroups = targets.correlations ?? [];
  const corRows = [...new Set(corGroups)].map(pickCor);
  return {
    fixed: fixedRows.map((r) => r.prior),
    sd: sdRows.map((r) => r.prior),
    aux: auxRows.map((r) => r.prior),
    cor: corGroups.map((g) => (corRows.find((r) => r.parameter === `cor_${g}`) as { prior: LkjPrior }).prior),
    table: [...fixedRows, ...sdRows, ...auxRows, ...corRows],
  };
}

/** Every name an override may target in this model. */
export function validTargets(targets: PriorTargets): string[] {
  const out: string[] = [];
  if (targets.interceptColumn >= 0) out.push('Intercept');
  if (targets.fixed.length > (targets.interceptColumn >= 0 ? 1 : 0)) out.push('b');
  if (targets.terms.length > 0) out.push('sd');
  for (const label of targets.fixed) out.push(`b_${label}`);
  const groups = [...new Set(targets.terms.map((t) => t.group))];
  for (const g of groups) out.push(`sd_${g}`);
  for (const t of targets.terms) out.push(`sd_${t.group}__${t.term}`);
  for (const name of targets.aux ?? []) out.push(name);
  const corGroups = [...new Set(targets.correlations ?? [])];
  if (corGroups.length > 0) out.push('cor');
  for (const g of corGroups) out.push(`cor_${g}`);
  return out;
}

/** The scale of an sd prior (sigma, or 1/rate for the exponential), used by the parameterization rule. */
export function sdPriorScale(prior: Prior): number {
  switch (prior.family) {
    case 'halfnormal':
      return prior.params[0];
    case 'halfstudent_t':
      return prior.params[1];
    case 'exponential':
      return 1 / prior.params[0];
    case 'gamma':
      return prior.params[0] / prior.params[1];
    default:
      throw new Error(`sdPriorScale: ${prior.family} is not a prior for an sd`);
  }
}
