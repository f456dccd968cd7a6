/**
 * The data columns a model formula names, for reading only those of a columnar file (src/data/load.ts DataOptions.columns).
 */
import { parseFormula } from './parser.js';
import { formulaColumns } from './terms.js';

/**
 * The columns `formula` names (terms.ts formulaColumns), or undefined when it does not parse: the data are then read
 * whole and building the model reports the formula's error as it always did.
 */
export function columnsOfFormula(formula: string): string[] | undefined {
  try {
    return formulaColumns(parseFormula(formula));
  } catch {
    return undefined;
  }
}
