/**
 * Vega-Lite spec → SVG text: compiled to Vega with vega-lite, run headless in a vega View (renderer 'none': no
 * canvas, no DOM) and serialised with view.toSVG(). Text widths are estimated by vega, not measured.
 */
import type { PlotSpec } from './spec.js';

/**
 * vega and vega-lite are loaded on the first plot, not when the module is: together they take about 0.5 s to load,
 * and most commands that import the report code never draw (issue 16 item 6).
 */
let libraries: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;

export async function renderSvg(spec: PlotSpec): Promise<string> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]);
  const [{ parse, View }, { compile }] = await libraries;
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
