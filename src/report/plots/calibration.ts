/**
 * Calibration curve: per bin of predictions (deciles, from src/decision/metrics.ts's calibrationTable) the observed
 * rate against the mean prediction, beside the diagonal of perfect calibration.
 */
import type { CalibrationBin } from '../../decision/metrics.js';
import { PLOT_WIDTH, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';
import { maxOf } from '../../numeric/extremes.js';

export function calibrationSpec(bins: readonly CalibrationBin[], title = 'Calibration: observed vs predicted'): PlotSpec {
  if (bins.length === 0) throw new Error('calibration plot: no bins');
  const values: Datum[] = bins.map((b) => ({
    bin: b.bin,
    n: b.n,
    predicted: b.meanPredicted,
    observed: b.observedRate,
  }));
  const top = maxOf(bins.map((b) => Math.max(b.meanPredicted, b.observedRate)));
  const axis = { format: '.1%' };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: 'one point per bin of predictions; dashed line: perfect calibration' },
    width: Math.round(PLOT_WIDTH * 0.75),
    height: Math.round(PLOT_WIDTH * 0.75),
    layer: [
      {
        data: { values: [{ predicted: 0, observed: 0 }, { predicted: top, observed: top }] },
        mark: { type: 'line', strokeDash: [4, 3], color: 'gray' },
        encoding: {
          x: { field: 'predicted', type: 'quantitative', title: 'mean predicted probability', axis },
          y: { field: 'observed', type: 'quantitative', title: 'observed rate', axis },
        },
      },
      {
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 50 } },
        encoding: {
          x: { field: 'predicted', type: 'quantitative' },
          y: { field: 'observed', type: 'quantitative' },
          tooltip: [
            { field: 'bin', type: 'ordinal' },
            { field: 'n', type: 'quantitative' },
            { field: 'predicted', type: 'quantitative', format: '.3%' },
            { field: 'observed', type: 'quantitative', format: '.3%' },
          ],
        },
      },
    ],
  };
}
