/**
 * buildModel: Frame + formula (+ priors, parameterization choices) → ModelSpec, with the DesignRecipe that rebuilds
 * the design for new rows, the prior assigned to every parameter, and notes on the choices made.
 */
import { signedScaleSuits } from './signed-scale.js';
import { rotatedInformation } from './split.js';
import type { Frame } from '../data/frame.js';
import { largeMemory } from '../platform/host.js';
import { UserError } from '../errors.js';
import { requireBinaryOutcome, requireCountOutcome, requireFamilyOutcome } from '../data/checks.js';
import { logChoose } from './log-choose.js';
import { parseFormula } from './formula/parser.js';
import { modelTerms } from './formula/terms.js';
import { makeRecipe } from './design.js';
import { dataWarnings } from './data-warnings.js';
import { detectGroupLevelFold } from './group-level-fold.js';
import { chooseBlockParameterization, chooseParameterizations, describeEvidence, JOINT_CRUDE_FAMILIES, levelInformation, sharedFixedColumn, type ParameterizationEvidence } from './parameterization.js';
import { formatPrior } from './prior.js';
import { priorGroupsText } from '../report/prior-groups.js';
import { fixedBasisFactor } from './fixed-basis.js';
import { indexedColumnNames, indexedColumnStats, INDEXED_MIN_COLUMNS } from './indexed-fixed.js';
import { resolvePriors, type PriorOverrides, type ResolvedPriors } from './priors-config.js';
import { applyRecipe, type DesignRecipe } from './recipe.js';
import { defaultLink, familyLinks, familyModule } from './families/index.js';
import type { LinkName } from './families/family.js';
import { crudeRowInformation, crudeRowScores, familyDefaults, type FamilyDefaults } from './family-priors.js';
import { FAMILIES, type AuxCoordinate, type CorrelatedBlock, type Family, type GroupingFactor, type IndexedFixedTerm, type ModelSpec, type Parameterization, type VaryingTerm } from './spec.js';

export interface BuildOptions {
  /** Prior overrides: { "b_treatment": "normal(0, 1)", "sd": { family: "exponential", params: [2] } } or CLI strings. */
  readonly priors?: PriorOverrides;
  /** Per grouping factor ("zip_code") or term ("history_segment__treatment"): forced parameterization. */
  readonly parameterization?: Readonly<Record<string, Parameterization>>;
  /**
   * Coordinates the sampler moves for the fixed effects: 'qr' (default) the decorrelated basis of
   * src/model/fixed-basis.ts, 'natural' the coefficients themselves.
   */
  readonly fixedBasis?: FixedBasisChoice;
  /**
   * The response family (src/model/families/). Default: binomial when the formula has `| trials(n)`, else bernoulli.
   * binomial needs `| trials(n)`; the other families a plain outcome.
   */
  readonly family?: Family;
  /** The link: 'probit' for bernoulli/binomial; default and only other choice the family's own (src/model/families/). */
  readonly link?: LinkName;
  /**
   * Fixed terms with a categorical part and more columns than this are stored as level indices
   * (src/model/indexed-fixed.ts); default INDEXED_MIN_COLUMNS. 0 indexes every such term, Infinity none.
   */
  readonly indexedAbove?: number;
  /**
   * How the sd of a non-centered term is sampled: 'log' as log sd; 'signed' as a signed coordinate (sd = |v|,
   * src/model/signed-scale.ts) when the term has fewer than MANY_LEVELS levels and a half-normal or half-t sd prior,
   * else as log sd; 'scaled' (default) as 'signed' with each level's z rescaled by its conditional precision given
   * the sd (ζ_k = z_k·√(1 + v²·I_k), src/model/signed-scale.ts), and a term of that kind that the rule finds pinned
   * by the data (split or centered, src/model/parameterization.ts) non-centered on log sd with its levels scaled
   * (signed-scale.ts, "Scaled levels on log sd"), unless an option forces split or centered.
   */
  readonly sdScale?: SdScaleChoice;
}

export type SdScaleChoice = 'log' | 'signed' | 'scaled';

/**
 * 'scaled': on Hillstrom's hierarchical model (all 64,000 rows, seeds 20240, 1, 2, 3; bench/README.md, "Scaled
 * levels") it removed the log-sd tail and the signed sd's upper-tail divergences: with the Fisher warm-up 16–19
 * gradients per minimum bulk-ESS and no divergences, against 63–87 for log sd (this code version) in Stan's windows.
 * With pinned terms on log sd (issue 17 session 10; bench/README.md, "Crossed: scaled levels on log sd") the crossed
 * model took 21.8–25.0 with no divergences, against 72–344 with its intercepts split (seeds 1–3).
 */
export const DEFAULT_SD_SCALE: SdScaleChoice = 'scaled';

export type FixedBasisChoice = 'qr' | 'natural';

export interface BuiltModel {
  readonly spec: ModelSpec;
  readonly recipe: DesignRecipe;
  readonly priors: ResolvedPriors;
  /** What the rule saw for each varying term, in term order. */
  readonly parameterization: readonly ParameterizationEvidence[];
  /** Human-readable lines: family, priors changed from the defaults, parameterization figures. */
  readonly notes: string[];
  /**
   * Valid but risky data, one line each without the "warning: " prefix: a constant outcome, constant, identical or
   * collinear predictor columns (src/model/data-warnings.ts).
   */
  readonly warnings: readonly string[];
}

/**
 * The data-scaled default intercept prior is centred on the outcome's centre on the link scale; with an offset the
 * intercept is that centre less the offset, so the centre moves by the offset's mean.
 */
function offsetIntercept(defaults: FamilyDefaults, offset: Float64Array): FamilyDefaults {
  if (defaults.intercept.family !== 'student_t') return defaults;
  let mean = 0;
  for (let i = 0; i < offset.length; i++) mean += offset[i];
  mean /= offset.length;
  const [nu, center, scale] = defaults.intercept.params;
  return { ...defaults, intercept: { family: 'student_t', params: [nu, Number((center - mean).toPrecision(4)), scale] } };
}

/**
 * The priors as note lines: one per override target and prior ("prior b_x, b_z ~ normal(0, 1) (from 'b')"), then one
 * line of the defaults used, parameters with the same prior together.
 */
function priorNotes(priors: ResolvedPriors): string[] {
  const targets = new Map<string, { source: string; text: string; parameters: string[] }>();
  for (const row of priors.table) {
    if (row.source === 'default') continue;
    const text = formatPrior(row.prior);
    const key = `${row.source}\u0000${text}`;
    const group = targets.get(key) ?? { source: row.source, text, parameters: [] };
    group.parameters.push(row.parameter);
    targets.set(key, group);
  }
  const lines = [...targets.values()].map((g) => `prior ${g.parameters.join(', ')} ~ ${g.text} (from '${g.source}')`);
  const defaults = priors.table.filter((row) => row.source === 'default');
  if (defaults.length > 0) lines.push(`default priors (data-scaled; README "Priors"): ${priorGroupsText(defaults)}`);
  return lines;
}

/**
 * A varying intercept whose every level has one row, in a family with a residual sigma (gaussian, lognormal): the
 * level effects and the residuals are then the same thing, so the data identify sd² + sigma² and not each (lme4
 * refuses such a term for these families; for the others it is the usual observation-level overdispersion term).
 */
function rowLevelWarnings(family: Family, terms: readonly { readonly group: number; readonly term: string }[], groups: readonly GroupingFactor[]): string[] {
  if (family !== 'gaussian' && family !== 'lognormal') return [];
  const out: string[] = [];
  for (const t of terms) {
    const g = groups[t.group];
    if (t.term !== 'Intercept' || g.levels.length < 2 || g.levels.length !== g.index.length) continue;
    const seen = new Uint8Array(g.levels.length);
    let single = true;
    for (let i = 0; i < g.index.length && single; i++) single = seen[g.index[i]]++ === 0;
    if (!single) continue;
    out.push(
      `each of the ${g.levels.length} levels of "${g.name}" has one row, so with the ${family} family sd_${g.name}__Intercept and sigma are not ` +
        `separately identified (only sd² + sigma² is): drop (1 | ${g.name}), or give one of them an informative prior`,
    );
  }
  return out;
}

export function buildModel(frame: Frame, formula: string, options: BuildOptions = {}): BuiltModel {
  const ast = parseFormula(formula);
  const terms = modelTerms(ast);
  if (frame.nRows === 0) throw new UserError(`${frame.source} has no data rows; nothing to fit`);
  const family: Family = options.family ?? (ast.trials ? 'binomial' : 'bernoulli');
  if (!FAMILIES.includes(family)) {
    throw new UserError(`family '${String(family)}' is not supported; use one of ${FAMILIES.join(', ')}`);
  }
  if (ast.trials && family !== 'binomial') {
    throw new UserError(`formula outcome "${ast.outcome.name} | trials(${ast.trials.name})" is for the binomial family, not ${family}; drop "| trials(…)" or use family binomial`);
  }
  if (!ast.trials && family === 'binomial') {
    throw new UserError(`family binomial needs the trials in the formula: "${ast.outcome.name} | trials(n) ~ …"`);
  }
  const links = familyLinks(family);
  if (options.link !== undefined && !links.includes(options.link)) {
    throw new UserError(`link '${String(options.link)}' is not available for family ${family}; use ${links.join(' or ')}`);
  }
  const link: LinkName | undefined = options.link !== undefined && options.link !== defaultLink(family) ? options.link : undefined;
  // the spec's n-long arrays (outcome, design) in huge pages where the platform has them: at 10⁷ rows their first
  // writes were the largest cost of building the spec (bench/README.md, "The 10⁷-row data path: building the model spec")
  const allocate = largeMemory();
  let y: Float64Array;
  let trials: Float64Array | null = null;
  if (family !== 'bernoulli' && family !== 'binomial') {
    y = requireFamilyOutcome(frame, ast.outcome.name, family, `formula outcome "${ast.outcome.name}" at position ${ast.outcome.span.start}`, allocate);
  } else if (ast.trials) {
    const counts = requireCountOutcome(frame, ast.outcome.name, ast.trials.name, allocate);
    y = counts.successes;
    trials = counts.trials;
  } else {
    y = requireBinaryOutcome(frame, ast.outcome.name, `formula outcome "${ast.outcome.name}" at position ${ast.outcome.span.start}`, allocate);
  }
  const recipe = { ...makeRecipe(frame, terms, family, options.indexedAbove), ...(link ? { link } : {}) };
  const design = applyRecipe(recipe, frame, allocate);

  // the q dense columns, then the columns of each indexed term (src/model/indexed-fixed.ts)
  const q = recipe.fixed.length;
  const indexedNames = (recipe.indexed ?? []).map((t) => indexedColumnNames(recipe.variables, t));
  const fixedNames = [...recipe.fixed.map((c) => c.name), ...indexedNames.flat()];
  const indexedStats = design.indexed.map((d, f) => indexedColumnStats(d, indexedNames[f].length, frame.nRows));
  const indexed: IndexedFixedTerm[] = [];
  let nextColumn = q;
  design.indexed.forEach((d, f) => {
    const start = nextColumn;
    indexed.push({
      label: recipe.indexed![f].label,
      index: d.index,
      levels: d.levels,
      coefficient: d.coefficient.map((j) => (j >= 0 ? start + j : -1)),
      x: d.x,
    });
    nextColumn += indexedNames[f].length;
  });
  const interceptColumn = recipe.fixed.findIndex((c) => c.factors.length === 0);
  const module = familyModule(family, link);
  const defaults = familyDefaults(family, {
    y,
    trials,
    ...(link ? { link } : {}),
    X: design.X,
    p: q,
    moreSds: Float64Array.from(indexedStats.flatMap((s) => [...s.sd])),
  });
  // the terms of each correlated bar `( … | g)` with two or more coefficients, in recipe order
  const blockTerms: number[][] = [];
  recipe.terms.forEach((t, k) => {
    if (t.correlated === undefined) return;
    (blockTerms[t.correlated] ??= []).push(k);
  });
  const priors = resolvePriors(
    {
      fixed: fixedNames,
      interceptColumn,
      terms: recipe.terms.map((t) => ({ group: recipe.groups[t.group].name, term: t.term })),
      aux: module.aux.map((a) => a.name),
      correlations: blockTerms.map((terms) => recipe.groups[recipe.terms[terms[0]].group].name),
      defaults: design.offset ? offsetIntercept(defaults, design.offset) : defaults,
    },
    options.priors,
  );

  const groups: GroupingFactor[] = recipe.groups.map((g, k) => ({
    name: g.name,
    levels: g.levels,
    index: design.groupIndex[k],
  }));
  const sharedColumns = recipe.terms.map((_, k) => sharedFixedColumn(design.x[k], design.X, q, interceptColumn));
  const rowInformation = crudeRowInformation(family, y, trials, link);
  // the levels' crude sd for the rule's many-level terms (src/model/parameterization.ts, crudeLevelSd)
  const rowScores = recipe.terms.length > 0 ? crudeRowScores(family, y, trials, link) : null;
  const termEvidence = chooseParameterizations(
    recipe.terms.map((t, k) => ({
      group: groups[t.group].name,
      label: `${groups[t.group].name}__${t.term}`,
      levels: groups[t.group].levels.length,
      index: groups[t.group].index,
      x: design.x[k],
      sdPrior: priors.sd[k],
      sharedColumn: sharedColumns[k],
    })),
    y,
    trials,
    options.parameterization,
    rowInformation,
    rowScores,
    JOINT_CRUDE_FAMILIES.includes(family),
  );
  // a correlated block is centered, split or non-centered as a whole; its folds are the block's (CorrelatedBlock.foldColumns)
  const evidence = [...termEvidence];
  const blockChoice = blockTerms.map((terms) => {
    const { chosen, evidence: set } = chooseBlockParameterization(
      terms.map((k) => termEvidence[k]),
      groups[recipe.terms[terms[0]].group].name,
    );
    terms.forEach((k, j) => (evidence[k] = set[j]));
    return chosen;
  });
  const inBlock = new Set(blockTerms.flat());
  const sdScale = options.sdScale ?? DEFAULT_SD_SCALE;
  // With scaled levels a term the data pin down (rule: split or centered) is sampled non-centered on log sd with its
  // levels scaled, which is centered in the data's units wherever the sd is not near 0 (src/model/signed-scale.ts,
  // "Scaled levels on log sd"); an option that forces split or centered is kept.
  const pinnedScaled = recipe.terms.map(
    (t, k) =>
      sdScale === 'scaled' &&
      !inBlock.has(k) &&
      evidence[k].ruleChoice !== 'noncentered' &&
      signedScaleSuits({ parameterization: 'noncentered', sdPrior: priors.sd[k] }, groups[t.group].levels.length) &&
      (evidence[k].source === 'rule' || evidence[k].chosen === 'noncentered'),
  );
  pinnedScaled.forEach((yes, k) => {
    if (yes) evidence[k] = { ...evidence[k], chosen: 'noncentered' };
  });

  // a folded varying intercept also folds the fixed columns constant within its levels (src/model/group-level-fold.ts)
  const groupLevel = recipe.terms.map((t, k) =>
    evidence[k].chosen !== 'centered' && design.x[k] === null && sharedColumns[k] >= 0 && !inBlock.has(k)
      ? detectGroupLevelFold(design.X, frame.nRows, q, sharedColumns[k], groups[t.group].index, groups[t.group].levels.length)
      : null,
  );
  const signedModel = sdScale === 'signed' || sdScale === 'scaled';
  // a scaled term's information per level coordinate: I_k, or for a folded (rotated) term that of its [u, e]
  const coordinateInformation = (k: number): Float64Array => {
    const K = groups[recipe.terms[k].group].levels.length;
    const info = levelInformation({ levels: K, index: groups[recipe.terms[k].group].index, x: design.x[k] }, y, trials, rowInformation);
    return sharedColumns[k] >= 0 && !inBlock.has(k) ? rotatedInformation(info, K) : info;
  };
  let next = fixedNames.length;
  const varying: VaryingTerm[] = recipe.terms.map((t, k) => {
    const sdIndex = next;
    next += 1 + groups[t.group].levels.length;
    return {
      group: t.group,
      term: t.term,
      x: design.x[k],
      parameterization: evidence[k].chosen,
      ...(evidence[k].chosen !== 'centered' && sharedColumns[k] >= 0 && !inBlock.has(k) ? { foldColumn: sharedColumns[k] } : {}),
      ...(groupLevel[k] ? { groupLevelFold: groupLevel[k]! } : {}),
      sdPrior: priors.sd[k],
      sdIndex,
      offset: sdIndex + 1,
      ...(pinnedScaled[k]
        ? { levelInformation: coordinateInformation(k) }
        : signedModel && !inBlock.has(k) &&
            signedScaleSuits({ parameterization: evidence[k].chosen, sdPrior: priors.sd[k] }, groups[t.group].levels.length)
          ? {
              signedScale: true,
              ...(sdScale === 'scaled'
                ? { levelInformation: coordinateInformation(k) }
                : {}),
            }
          : {}),
    };
  });

  const correlated: CorrelatedBlock[] = blockTerms.map((terms, b) => {
    const block: CorrelatedBlock = {
      group: recipe.terms[terms[0]].group,
      terms,
      parameterization: blockChoice[b],
      eta: priors.cor[b].params[0],
      cpcIndex: next,
      ...(terms.some((k) => sharedColumns[k] >= 0) ? { foldColumns: terms.map((k) => sharedColumns[k]) } : {}),
    };
    next += (terms.length * (terms.length - 1)) / 2;
    return block;
  });

  const aux: AuxCoordinate[] = module.aux.map((a, k) => ({ name: a.name, prior: priors.aux[k], index: next + k }));
  next += aux.length;

  const spec: ModelSpec = {
    formula,
    family,
    ...(link ? { link } : {}),
    n: frame.nRows,
    outcome: ast.outcome.name,
    y,
    trials,
    logChoose: trials ? logChoose(trials, y) : null,
    fixed: { names: fixedNames, X: design.X, interceptColumn, priors: priors.fixed, ...(indexed.length > 0 ? { indexed } : {}) },
    groups,
    terms: varying,
    dim: next,
    fixedBasis: (options.fixedBasis ?? 'qr') === 'qr' ? fixedBasisFactor(design.X, frame.nRows, q) : null,
    ...(aux.length > 0 ? { aux } : {}),
    ...(design.offset ? { offset: design.offset } : {}),
    ...(correlated.length > 0 ? { correlated } : {}),
  };

  const basisNote = spec.fixedBasis ? `; ${indexed.length > 0 ? 'dense ' : ''}fixed effects sampled in the QR basis of their columns` : '';
  const offsetNote = recipe.offsets ? `; offset ${recipe.offsets.map((k) => recipe.variables[k].label).join(' + ')} (coefficient 1)` : '';
  const notes = [`${family}${link ? ` (${link} link)` : ''} model, ${frame.nRows} rows, ${next} unconstrained parameters${basisNote}${offsetNote}`];
  notes.push(...priorNotes(priors));
  indexed.forEach((t, f) => {
    notes.push(
      `fixed term '${t.label}': ${indexedNames[f].length} coefficients stored as a level index of ${t.levels} cells (terms over ${options.indexedAbove ?? INDEXED_MIN_COLUMNS} columns are indexed, not dense)`,
    );
  });
  evidence.forEach((e, k) => {
    const fold = varying[k].foldColumn ?? -1;
    const levelColumns = groupLevel[k]?.columns.slice(1).map((j) => `b_${fixedNames[j]}`) ?? [];
    const folded =
      (fold >= 0 && e.chosen !== 'centered' ? `; levels' mean folded into b_${fixedNames[fold]}` : '') +
      (levelColumns.length > 0 ? `, their coefficients on the group-level columns into ${levelColumns.join(', ')}` : '');
    const bar = recipe.terms[k].correlated;
    const block =
      bar === undefined
        ? ''
        : `; correlated with ${blockTerms[bar].filter((j) => j !== k).map((j) => recipe.terms[j].term).join(', ')} ` +
          `(lkj(${priors.cor[bar].params[0]})), the block ${blockChoice[bar]} as a whole` +
          (sharedColumns[k] >= 0 ? `; levels' mean folded into b_${fixedNames[sharedColumns[k]]}` : '');
    const scale = pinnedScaled[k]
      ? `; pinned, so (sd-scale scaled) non-centered with log sd and its levels scaled by √(1 + sd²·I_k): centered in the data's units unless sd is near 0`
      : varying[k].signedScale
        ? `; sd sampled signed (sd = |v|)${varying[k].levelInformation ? ', levels scaled by √(1 + sd²·I_k)' : ''}`
        : '';
    notes.push(describeEvidence(e, groups[recipe.terms[k].group].levels) + folded + scale + block);
  });
  const warnings = dataWarnings({
    outcome: ast.outcome.name,
    trialsName: ast.trials ? ast.trials.name : null,
    y,
    trials,
    X: design.X,
    n: frame.nRows,
    names: fixedNames.slice(0, q),
    interceptColumn,
    family,
  });
  warnings.push(...rowLevelWarnings(family, recipe.terms, groups));
  // an indexed term's columns are never collinear among themselves; a column with no rows is identified by its prior alone
  indexed.forEach((t, f) => {
    const empty = indexedStats[f].rows.reduce((m, r) => m + (r === 0 ? 1 : 0), 0);
    if (empty > 0) {
      warnings.push(`fixed term '${t.label}': ${empty} of its ${indexedNames[f].length} coefficients have no rows (e.g. b_${indexedNames[f][indexedStats[f].rows.indexOf(0)]}); only their prior informs them`);
    }
  });
  return { spec, recipe, priors, parameterization: evidence, notes, warnings };
}
