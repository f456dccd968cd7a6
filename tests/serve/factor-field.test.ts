// POST /score fields of a factor() of a numeric column: the level may be sent as the number or as its name; a value
// outside the training levels is refused by the schema, naming the field. Text factors keep taking level names only.
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { buildModel } from '../../src/model/build.js';
import { requestInputs } from '../../src/serve/inputs.js';
import { scoreRequestValidator } from '../../src/serve/schema.js';

const frame = frameFromColumns(
  [
    numericColumn('y', Float64Array.of(0, 1, 0, 1, 1, 0)),
    numericColumn('period', Float64Array.of(1, 2, 10, 1, 2, 10)),
    categoricalColumn('f', Uint32Array.of(0, 1, 0, 1, 0, 1), ['A', 'B']),
  ],
  'test frame',
);

describe('factor() fields in a score request', () => {
  const { recipe } = buildModel(frame, 'y ~ factor(period) + f');
  const validator = scoreRequestValidator(requestInputs(recipe, null), 100);

  it('takes the level as a number or as its name', async () => {
    const got = await validator.validate({ rows: [{ period: 10, f: 'A' }, { period: '2', f: 'B' }] });
    expect(got).toEqual({ rows: [{ period: '10', f: 'A' }, { period: '2', f: 'B' }] });
  });

  it('refuses an unknown level, and a number for a text factor', async () => {
    const unknown = await validator.validate({ rows: [{ period: 3, f: 'A' }] });
    expect(unknown).toEqual({ message: 'rows[0].period: Invalid option: expected one of "1"|"2"|"10"' });
    const text = await validator.validate({ rows: [{ period: 1, f: 1 }] });
    expect(text).toEqual({ message: 'rows[0].f: Invalid option: expected one of "A"|"B"' });
  });
});
