// Random formulas from R formula tokens (valid and invalid, seeded) through buildModel on a small frame: every one
// either builds or throws a one-line UserError — never another exception, "undefined" or "NaN" in a message.
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { isUserError } from '../../src/errors.js';
import { buildModel } from '../../src/model/build.js';
import { Rng } from '../../src/rng.js';

const frame = frameFromColumns(
  [
    numericColumn('y', Float64Array.of(0, 1, 0, 1, 1, 0)),
    numericColumn('x', Float64Array.of(1, 2, 3, 4, 5, 6)),
    numericColumn('z', Float64Array.of(2, 0, -1, 3, 1, 1)),
    categoricalColumn('f', Uint32Array.of(0, 1, 2, 0, 1, 2), ['A', 'B', 'C']),
    categoricalColumn('g', Uint32Array.of(0, 1, 0, 1, 2, 2), ['u', 'v', 'w']),
    numericColumn('k', Float64Array.of(0, 1, 2, 1, 0, 3)),
    numericColumn('n', Float64Array.of(3, 3, 3, 3, 3, 3)),
  ],
  'fuzz frame',
);

const VOCABULARY = [
  'y', 'x', 'z', 'f', 'g', 'k', 'n', 'w', '~', '~', '+', '+', '-', ':', '|', '||', '/', '(', ')', '(', ')', '1', '0', '2',
  '*', '^', ',', '&', '%in%', '.', 'scale', 'log', 'I', 'exp', 'factor', 'poly', 'trials', '==', '!=', '<', '>=', '=', '!',
  '"A"', "'B'", '"', "'", '`x`', '`', '-1', '1e5', '$', '\u201c', 'TRUE',
];

describe('formula fuzz', () => {
  it('10,000 random formulas: built, or a one-line UserError', () => {
    const rng = new Rng(14, 2);
    const pick = (m: number): number => Math.min(m - 1, Math.floor(rng.uniformRange(0, m)));
    let built = 0;
    for (let t = 0; t < 10_000; t++) {
      const parts = t % 2 === 1 ? ['y', '~'] : [];
      const len = 1 + pick(10);
      for (let i = 0; i < len; i++) parts.push(VOCABULARY[pick(VOCABULARY.length)]);
      const formula = parts.join(pick(2) === 1 ? ' ' : '');
      try {
        buildModel(frame, formula);
        built++;
      } catch (e) {
        if (!isUserError(e)) throw new Error(`${JSON.stringify(formula)}: ${String(e)}`);
        expect(e.message, formula).not.toMatch(/\n|undefined|NaN/);
      }
    }
    expect(built).toBeGreaterThan(50); // the vocabulary also makes valid formulas
  });
});
