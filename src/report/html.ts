/**
 * The HTML report: one self-contained page (inline CSS, every plot an inline SVG rendered by vega, no scripts, no
 * external URLs — a Content-Security-Policy forbids loading anything) from a list of sections, each with a title,
 * text, tables and plots. All text is escaped; the SVGs come from vega, which escapes their text itself.
 */
import { writeFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { formatNumber, type Cell, type Table } from './table.js';
import { renderSvg } from './plots/render.js';
import type { PlotSpec } from './plots/spec.js';
import type { ReportSection, ReportTable } from './section.js';

export type { ReportSection, ReportTable } from './section.js';

export interface ReportOptions {
  /** Page title and heading; default "nutmeg report". */
  readonly title?: string;
  /** A line under the heading (e.g. data source and time); default none. */
  readonly subtitle?: string;
  /** Significant digits of numbers in tables; default 4. */
  readonly digits?: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:1100px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
.subtitle{color:#666;margin-top:0}nav ol{columns:2;padding-left:1.2em}
table{border-collapse:collapse;margin:.8em 0 1.2em;font-size:13px}caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{padding:.25em .7em;border-bottom:1px solid #e4e4e4}th{background:#f5f5f5;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.na{color:#999;text-align:right}
figure.plot{margin:1em 0;overflow-x:auto}figure.plot svg{display:block;max-width:none;height:auto}
`.trim();

/** Content-Security-Policy of the page: inline styles and nothing else may load. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function cellHtml(c: Cell, numeric: boolean, digits: number): string {
  if (c === null) return '<td class="na">NA</td>';
  if (typeof c === 'number') return `<td class="num">${escapeHtml(formatNumber(c, digits))}</td>`;
  return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(c)}</td>`;
}

export function tableHtml(t: ReportTable, digits = 4): string {
  t.rows.forEach((r, i) => {
    if (r.length !== t.columns.length) throw new Error(`report table row ${i + 1} has ${r.length} cells for ${t.columns.length} columns`);
  });
  const numeric = t.columns.map((_, j) => t.rows.every((r) => r[j] === null || typeof r[j] === 'number'));
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  const head = `<thead><tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
  const body = t.rows.map((r) => `<tr>${r.map((c, j) => cellHtml(c, numeric[j], digits)).join('')}</tr>`).join('\n');
  return `<table>${caption}${head}<tbody>\n${body}\n</tbody></table>`;
}

function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
}

/**
 * Gives the ids inside one SVG a prefix (and the references to them: url(#…), href="#…"), so that several inline
 * SVGs on one page cannot point at each other's clip paths or gradients.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/(\s)id="([^"]+)"/g, (_, space: string, id: string) => `${space}id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}${id}"`);
}

function plotTitle(spec: PlotSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === 'string') return title;
  if (title && typeof title === 'object' && typeof (title as { text?: unknown }).text === 'string') {
    return (title as { text: string }).text;
  }
  return 'plot';
}

/** The page as a string; plots are rendered one after another. */
export async function renderReport(sections: readonly ReportSection[], options: ReportOptions = {}): Promise<string> {
  const title = options.title ?? 'nutmeg report';
  const digits = options.digits ?? 4;
  const parts: string[] = [];
  let plotNumber = 0;
  for (const [s, section] of sections.entries()) {
    const body: string[] = [`<section id="section-${s + 1}">`, `<h2>${escapeHtml(section.title)}</h2>`, paragraphs(section.text)];
    for (const table of section.tables) body.push(tableHtml(table, digits));
    for (const spec of section.plots ?? []) {
      plotNumber++;
      const svg = prefixSvgIds(await renderSvg(spec), `p${plotNumber}-`);
      body.push(`<figure class="plot" id="plot-${plotNumber}" aria-label="${escapeHtml(plotTitle(spec))}">${svg}</figure>`);
    }
    body.push('</section>');
    parts.push(body.join('\n'));
  }
  const toc = sections.map((s, i) => `<li><a href="#section-${i + 1}">${escapeHtml(s.title)}</a></li>`).join('');
  const subtitle = options.subtitle ? `<p class="subtitle">${escapeHtml(options.subtitle)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1>${subtitle}<nav><ol>${toc}</ol></nav></header>
${parts.join('\n')}
</body>
</html>
`;
}

/** Writes the report page to `path` (what `--report report.html` calls). */
export async function writeReport(path: string, sections: readonly ReportSection[], options: ReportOptions = {}): Promise<void> {
  const page = await renderReport(sections, options);
  try {
    await writeFile(path, page);
  } catch (e) {
    throw new UserError(`cannot write the report to ${path}: ${(e as Error).message}; check that the folder exists and is writable`);
  }
}
