/**
 * nutmeg's typed API. Data flows one way: Frame → buildModel → ModelSpec → Backend → sample → DrawSet →
 * diagnostics / LOO / decisions.
 */
export type { Frame, Column } from './data/frame.js';
export { readCsv } from './data/csv.js';
export { loadHillstrom, addHillstromFeatures, HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from './data/hillstrom.js';
export { builtinDataset, BUILTIN_DATASETS } from './data/datasets.js';
export { loadData } from './data/load.js';

export { buildModel, type BuildOptions, type BuiltModel } from './model/build.js';
export { applyRecipe, type DesignRecipe } from './model/recipe.js';
export type { ModelSpec, VaryingTerm, GroupingFactor, Family, Parameterization } from './model/spec.js';
export { FAMILIES } from './model/spec.js';
export type { LinkName } from './model/families/family.js';
export type { LkjPrior, Prior, PriorFamily } from './model/prior.js';
export { constrain, unconstrain, constrainedNames, unconstrainedNames, levelCoordinates } from './model/layout.js';

export type { Backend, BackendKind, BackendOptions } from './backend/backend.js';
export { createBackend, type BackendChoice } from './backend/select.js';
export { createReferenceBackend } from './backend/reference.js';

export { sample, type SampleOptions, type SampleResult } from './sampler/run.js';
export { fitModel, fitMode, type Fit, type FitOptions } from './fit/fit.js';
export { findMode } from './fit/map.js';

export type { DrawSet } from './draws.js';
export {
  writeInferenceData,
  writeFitInferenceData,
  type InferenceDataInput,
  type FitInferenceDataOptions,
} from './io/inference-data.js';
export { summarizeDraws } from './diagnostics/summary.js';
export { summaryTable } from './report/summary-table.js';
export { samplerDiagnostics, samplerWarnings, convergenceWarnings } from './diagnostics/sampler-checks.js';

export { prepareScoring, type ScoringModel, type ScoringPosterior } from './decision/scoring-model.js';
export {
  scoreFrame,
  scoreFrameYielding,
  rowNewLevels,
  type ScoreOptions,
  type ScoreResult,
  type ScoreMeasure,
  type RowSummary,
} from './decision/scoring.js';
export { NEW_LEVEL_MODES, DEFAULT_NEW_LEVELS, type NewLevelMode } from './decision/new-levels.js';

export { psisLoo, psisLooStream } from './loo/loo.js';
export { looOfFit } from './loo/fit-loo.js';
export { compareModels } from './loo/compare.js';
export { pseudoBmaWeights, pseudoBmaPlusWeights } from './loo/weights.js';
export { stackingWeights, stackingWeightsR, stackingOptimum, stackingObjective } from './loo/stacking.js';

export { writeRun, loadRun, rebuildRun, rebuildUnconstrained, runMeta } from './io/run-dir.js';

export type { DensityModel, ParameterBlock, Transform, GeneratedQuantities } from './model/density-model/types.js';
export { DensityLayout, densityNames, densityCoordinates } from './model/density-model/transforms.js';
export { DensityTarget } from './model/density-model/target.js';
export { fitDensityModel, type DensityFit, type DensityFitOptions, type DensityLogLik } from './fit/density-fit.js';
export { densityRunMeta, saveDensityRun, writeDensityRun, isDensityRunMeta, type DensityRunMeta } from './io/density-run.js';
export { analyzeIts, type ItsOptions, type ItsResult, type ItsRow, type EffectSummary } from './analyses/its.js';
export { itsModel, type ItsFamily, type ItsPriors } from './model/its/model.js';
export { itsDesign, defaultItsPriors, type ItsDesign, type Seasonality } from './model/its/design.js';
export { readSeries, type Series } from './model/its/series.js';
export { fitClv, CLV_DEFAULTS, type ClvOptions, type ClvResult } from './analyses/clv/clv-fit.js';
export { rfmSummary, type RfmSummary, type TransactionColumns } from './analyses/clv/rfm.js';
export { clvPredictions, type ClvPredictions } from './analyses/clv/predictions.js';
export { clvDensityModel, defaultClvPriors, type ClvPriors } from './model/clv/clv-model.js';
export { simulateClv, simulateClvEvents, CLV_TRUTH } from './data/simulate/clv.js';
export { UserError } from './errors.js';
export { runMmm, mmmDraws, type MmmOptions, type MmmResult } from './analyses/mmm/analysis.js';
export { createMmmModel, MMM_PRIORS, type MmmModel } from './model/mmm/model.js';
export { buildMmmDesign, type MmmSettings, type MmmInput, type MmmDesign } from './model/mmm/design.js';
export { optimiseBudget, type BudgetAnswer, type BudgetRequest } from './analyses/mmm/budget.js';
export { channelSummaries, responseCurves, type ChannelSummary, type ResponseCurve } from './analyses/mmm/derived.js';
export { simulateMmm } from './data/simulate/mmm.js';
