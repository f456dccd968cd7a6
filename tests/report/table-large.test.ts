/**
 * A table of 200,000 rows — the summary of a grouping factor with 100,000+ levels — renders in every format without
 * overflowing the stack (column widths were once Math.max(...column), one call argument per row).
 */
import { describe, expect, it } from 'vitest';
import { renderTable, TABLE_FORMATS } from '../../src/report/table.js';

describe('renderTable with 200,000 rows', () => {
  it('renders every format; column widths come from the widest cell', () => {
    const n = 200_000;
    const rows = Array.from({ length: n }, (_, i) => [`r_g[${i + 1}]`, i === 123_456 ? 1234567.5 : i / n]);
    const table = { columns: ['variable', 'mean'], rows };
    for (const format of TABLE_FORMATS) {
      const text = renderTable(table, format);
      expect(text.split('\n').length).toBeGreaterThanOrEqual(n + 1);
    }
    const lines = renderTable(table, 'table').split('\n');
    // the widest name (r_g[200000], 11 characters) sets the first column; every line has the same width
    expect(lines[0].slice(0, 13)).toBe('variable     '); // 'variable' padded to 11, then the two-space gap
    expect(lines[n].slice(0, 13)).toBe('r_g[200000]  ');
    const widths = new Set(lines.slice(0, -1).map((l) => l.length));
    expect(widths.size).toBe(1);
  });
});
