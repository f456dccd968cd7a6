/**
 * Which page field a fit's error is shown beside (src/browser/error-field.ts), for the messages the model builder
 * really throws (buildModel on small CSV frames, as the worker's fit builds them): a row or column of the data → the
 * data field; family and prior checks → their fields; the rest of building the model → the formula field.
 */
import { describe, expect, it } from 'vitest';
import { readCsvText } from '../../src/browser/data.js';
import { errorField, namesDataPlace } from '../../src/browser/error-field.js';
import { buildModel, type BuildOptions } from '../../src/model/build.js';

function buildMessage(csv: string, formula: string, options: BuildOptions = {}): { message: string; source: string } {
  const frame = readCsvText(csv, 'rows.csv');
  try {
    buildModel(frame, formula, options);
  } catch (e) {
    return { message: (e as Error).message, source: frame.source };
  }
  throw new Error(`${formula}: no error`);
}

describe('the field beside which the page shows an error', () => {
  it('puts a missing value (a covariate, a grouping column), a categorical outcome and an outcome outside the family beside the data', () => {
    const cases = [
      buildMessage('y,x\n0,0.5\n1,\n1,2\n', 'y ~ x'),
      buildMessage('y,x\nno,0.5\nyes,1\nyes,2\n', 'y ~ x', { family: 'bernoulli' }),
      buildMessage('y,x,g\n0,1,\n1,2,a\n', 'y ~ x + (1 | g)'),
      buildMessage('y,x\n0.5,1\n1,2\n3,2\n', 'y ~ x', { family: 'poisson' }),
    ];
    for (const { message, source } of cases) {
      expect(message, message).toMatch(/^(?:[^\n]*?: )?rows\.csv(?:, (?:row|line) \d+|: column ")/);
      expect(errorField('formula', message, source), message).toBe('data');
    }
  });

  it('keeps the formula\'s own mistakes beside the formula, and the family\'s and the priors\' beside theirs', () => {
    const noColumn = buildMessage('y,x\n0,1\n1,2\n', 'y ~ x + nope');
    expect(noColumn.message).toContain('rows.csv has no column "nope"');
    expect(errorField('formula', noColumn.message, noColumn.source)).toBe('formula');
    const syntax = buildMessage('y,x\n0,1\n1,2\n', 'y ~ x +');
    expect(errorField('formula', syntax.message, syntax.source)).toBe('formula');
    // a function of a categorical column: the formula's position, fixed in the formula
    const logOfText = buildMessage('y,x\n0,a\n1,b\n1,a\n', 'y ~ log(x)');
    expect(logOfText.message).toContain("log() of categorical column 'x'");
    expect(errorField('formula', logOfText.message, logOfText.source)).toBe('formula');
    const link = buildMessage('y,x\n0,1\n1,2\n', 'y ~ x', { family: 'bernoulli', link: 'log' });
    expect(errorField('formula', link.message, link.source)).toBe('family');
    const prior = buildMessage('y,x\n0,1\n1,2\n', 'y ~ x', { priors: { b_nope: 'normal(0, 1)' } });
    expect(errorField('formula', prior.message, prior.source)).toBe('prior');
    // other stages keep their field whatever the message says
    expect(errorField('data', 'rows.csv, row 3, column "x": …', 'rows.csv')).toBe('data');
    expect(errorField('run', 'rows.csv, row 3, column "x": …', 'rows.csv')).toBe('run');
    expect(errorField('formula', 'rows.csv, row 3, column "x": …', null)).toBe('formula');
  });

  it('matches the data\'s name literally (a name with regular-expression characters) and only where a message opens', () => {
    expect(namesDataPlace('d(1)+.csv, row 2, column "y": value is missing', 'd(1)+.csv')).toBe(true);
    expect(namesDataPlace('dX1X+Xcsv, row 2, column "y": value is missing', 'd(1)+.csv')).toBe(false);
    expect(namesDataPlace('formula term "log(x)": log of -1 at rows.csv, row 2; log() needs positive values', 'rows.csv')).toBe(false);
  });
});
