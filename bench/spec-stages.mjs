/**
 * CPU per stage of building the pooled model's spec from a data file (read + features, outcome, recipe, design,
 * default priors, data warnings, fixed basis), each stage timed by process.cpuUsage in one process, through the
 * given dist/ (a build of any version: the stages are the exported functions buildModel calls). With TOUCH=1 it
 * first allocates and writes a buffer of X's size, to show what fresh memory alone costs on the machine.
 *
 *   node bench/spec-stages.mjs DIST FILE      (DIST: a dist/ directory, absolute path)
 */
const [dist, file] = process.argv.slice(2);
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
const imp = (m) => import(`${dist}/${m}`);
const { loadData } = await imp('data/load.js');
const { parseFormula } = await imp('model/formula/parser.js');
const { modelTerms } = await imp('model/formula/terms.js');
const { makeRecipe } = await imp('model/design.js');
const { applyRecipe } = await imp('model/recipe.js');
const { requireBinaryOutcome } = await imp('data/checks.js');
const { familyDefaults } = await imp('model/family-priors.js');
const { dataWarnings } = await imp('model/data-warnings.js');
const { fixedBasisFactor } = await imp('model/fixed-basis.js');
const { columnsOfFormula } = await imp('model/formula/columns.js');
let host = null; try { host = await imp('platform/host.js'); } catch {}
const allocate = host?.largeMemory?.();
const formula = 'conversion ~ treatment + recency_z + history_z + mens + womens + newbie';
const out = {};
let t = cpu();
const lap = (k) => { const c = cpu(); out[k] = +(c - t).toFixed(3); t = c; };
const frame = loadData(file, 1, undefined, { columns: columnsOfFormula(formula) }).frame; lap('read+features');
const ast = parseFormula(formula); const terms = modelTerms(ast);
const y = requireBinaryOutcome(frame, 'conversion', 'x', allocate); lap('y');
const recipe = makeRecipe(frame, terms, 'bernoulli'); lap('makeRecipe');
if (process.env.TOUCH) { const a = allocate ? new Float64Array(allocate(frame.nRows * 7 * 8)) : new Float64Array(frame.nRows * 7); a.fill(1); lap('touchX'); }
const design = applyRecipe(recipe, frame, allocate); lap('applyRecipe');
const q = recipe.fixed.length;
familyDefaults('bernoulli', { y, trials: null, X: design.X, p: q, moreSds: new Float64Array(0) }); lap('familyDefaults');
const w = dataWarnings({ outcome: 'conversion', trialsName: null, y, trials: null, X: design.X, n: frame.nRows, names: recipe.fixed.map((c) => c.name), interceptColumn: 0 }); lap('dataWarnings');
fixedBasisFactor(design.X, frame.nRows, q); lap('fixedBasis');
console.log(JSON.stringify(out), w.length);
