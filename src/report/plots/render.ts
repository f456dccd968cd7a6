/**
 * Vega-Lite spec → SVG text: compiled to Vega with vega-lite, run headless in a vega View (renderer 'none': no
 * canvas, no DOM) and serialised with view.toSVG(). Text widths are estimated by vega, not measured.
 */
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { PlotSpec } from './spec.js';

export async function renderSvg(spec: PlotSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
