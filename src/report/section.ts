/**
 * A report's parts as data: sections with a title, text, tables and Vega-Lite plot specs. The HTML report
 * (html.ts) writes them as a page; the playground page (src/browser/page/) shows the ones its Web Worker builds.
 */
import type { Table } from './table.js';
import type { PlotSpec } from './plots/spec.js';

/** A table with an optional caption shown above it. */
export interface ReportTable extends Table {
  readonly caption?: string;
}

export interface ReportSection {
  readonly title: string;
  /** Paragraphs separated by blank lines. */
  readonly text: string;
  readonly tables: readonly ReportTable[];
  /** Vega-Lite specs (src/report/plots/), rendered to SVG when the page is written. */
  readonly plots?: readonly PlotSpec[];
}
