/** What every plot module returns: a plain Vega-Lite specification object (data inlined), ready for renderSvg. */
import type { TopLevelSpec } from 'vega-lite';

export type PlotSpec = TopLevelSpec;

/** A Vega-Lite row of inline data. */
export type Datum = Record<string, number | string | null>;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Default plot panel size in pixels. */
export const PLOT_WIDTH = 480;
export const PLOT_HEIGHT = 240;
