/** The report page as text: escaping, tables, one figure per plot with distinct ids, no external references. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, prefixSvgIds, renderReport, tableHtml, writeReport } from '../../src/report/html.js';
import { UserError } from '../../src/errors.js';
import { everyPlotKind } from './plot-specs.js';

describe('escaping and tables', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('renders numbers to significant digits, NA for null, and right-aligns numeric columns', () => {
    const html = tableHtml({ caption: 'a < b', columns: ['name', 'p'], rows: [['<i>', 0.0123456], ['y', null]] }, 3);
    expect(html).toContain('<caption>a &lt; b</caption>');
    expect(html).toContain('<td>&lt;i&gt;</td><td class="num">0.0123</td>');
    expect(html).toContain('<td class="na">NA</td>');
    expect(() => tableHtml({ columns: ['a', 'b'], rows: [[1]] })).toThrow(/row 1 has 1 cells for 2 columns/);
  });

  it('prefixes ids and the references to them', () => {
    const svg = '<svg><clipPath id="clip3"><rect/></clipPath><g clip-path="url(#clip3)"><use href="#clip3"/></g></svg>';
    expect(prefixSvgIds(svg, 'p2-')).toBe(
      '<svg><clipPath id="p2-clip3"><rect/></clipPath><g clip-path="url(#p2-clip3)"><use href="#p2-clip3"/></g></svg>',
    );
  });
});

describe('the page', () => {
  it('has one figure per plot, all text escaped, and nothing to fetch', async () => {
    const plots = everyPlotKind();
    const html = await renderReport(
      [
        { title: 'One <b>', text: 'para 1\n\npara <2>', tables: [{ columns: ['x'], rows: [[1]] }], plots: [plots.forest] },
        { title: 'Two', text: '', tables: [], plots: [plots.ppc, plots.calibration] },
      ],
      { title: 'T & T', subtitle: 'data: <file>' },
    );
    expect(html).toContain('<title>T &amp; T</title>');
    expect(html).toContain('<h2>One &lt;b&gt;</h2>');
    expect(html).toContain('<p>para 1</p>\n<p>para &lt;2&gt;</p>');
    expect(html).toContain('<p class="subtitle">data: &lt;file&gt;</p>');
    expect(html.match(/<figure class="plot"/g)).toHaveLength(3);
    expect(html.match(/<svg /g)).toHaveLength(3);
    // no external resources: the only URLs are SVG namespace names and the CSP itself
    const urls = (html.match(/https?:\/\/[^\s"')]+/g) ?? []).filter((u) => !u.startsWith('http://www.w3.org/'));
    expect(urls).toEqual([]);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/);
    expect(html).toContain("default-src 'none'");
  }, 60_000);

  it('writes the page to a file, and says so when it cannot', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-html-'));
    try {
      const file = path.join(dir, 'r.html');
      await writeReport(file, [{ title: 'S', text: 't', tables: [] }]);
      expect(await readFile(file, 'utf8')).toMatch(/^<!doctype html>/);
      await expect(writeReport(path.join(dir, 'missing', 'r.html'), [])).rejects.toThrow(UserError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
