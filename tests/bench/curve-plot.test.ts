/**
 * The shared curve plot of bench/plot.ts (the scaling suite's plots, bench/scale.ts, and any sweep another bench
 * measures, such as time per gradient vs levels): a series per line, log axes unless asked otherwise, rendered to SVG.
 */
import { describe, expect, it } from 'vitest';
import { curveSpec, renderSvg } from '../../bench/plot.js';

describe('curveSpec', () => {
  const points = [
    { series: 'native', x: 10, y: 2.1 },
    { series: 'native', x: 100_000, y: 2.4 },
    { series: 'reference', x: 10, y: 60 },
  ];
  it('draws one line per series with the given titles, log scales by default', async () => {
    const spec = curveSpec({ title: 'time per gradient vs levels', xTitle: 'levels', yTitle: 'ns per row×chain', points });
    const enc = (spec as unknown as { encoding: Record<string, { scale: { type: string }; title: string }> }).encoding;
    expect(enc.x.scale.type).toBe('log');
    expect(enc.y.title).toBe('ns per row×chain');
    expect((spec as { data: { values: unknown[] } }).data.values).toEqual(points);
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('time per gradient vs levels');
    expect(svg).toContain('reference');
  });
  it('takes linear axes when asked', () => {
    const spec = curveSpec({ title: 't', xTitle: 'x', yTitle: 'y', points, logY: false });
    const enc = (spec as unknown as { encoding: Record<string, { scale: { type: string } }> }).encoding;
    expect(enc.y.scale.type).toBe('linear');
    expect(enc.x.scale.type).toBe('log');
  });
});
