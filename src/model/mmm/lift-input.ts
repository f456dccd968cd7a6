/**
 * The lift-test table of `nutmeg mmm --lift-tests lift.csv` checked and turned into MmmLiftTest rows (lift.ts): one
 * row per test with columns channel (a name from --channels), spend (weekly spend before the test), delta_spend (its
 * weekly change during the test), lift (the measured weekly change in the outcome) and lift_se (its standard error,
 * > 0). Every mistake is a one-line UserError naming the file line and column.
 */
import { UserError } from '../../errors.js';
import { columnAsNumbers, rowLocation } from '../../data/frame-build.js';
import type { Frame } from '../../data/frame.js';
import type { MmmLiftTest } from './lift.js';

export const LIFT_COLUMNS = ['channel', 'spend', 'delta_spend', 'lift', 'lift_se'] as const;

function numeric(frame: Frame, name: string): Float64Array {
  const column = frame.columns.get(name)!;
  const values = columnAsNumbers(column);
  if (values === null) throw new UserError(`--lift-tests: column "${name}" in ${frame.source} is not numeric`);
  const missing = frame.missing.get(name);
  if (missing !== undefined && missing.length > 0) {
    throw new UserError(`${rowLocation(frame, missing[0])}, column "${name}": the value is missing; every lift test needs it`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new UserError(`${rowLocation(frame, i)}, column "${name}": ${values[i]} is not a finite number`);
  }
  return values;
}

export function liftTestsFromFrame(frame: Frame, channels: readonly string[]): MmmLiftTest[] {
  for (const name of LIFT_COLUMNS) {
    if (!frame.columns.has(name)) {
      throw new UserError(`--lift-tests: no column "${name}" in ${frame.source}; a lift-test table has columns ${LIFT_COLUMNS.join(', ')}`);
    }
  }
  if (frame.nRows === 0) throw new UserError(`--lift-tests: ${frame.source} has no rows; give one row per lift test`);
  const channelColumn = frame.columns.get('channel')!;
  const spend = numeric(frame, 'spend');
  const delta = numeric(frame, 'delta_spend');
  const lift = numeric(frame, 'lift');
  const se = numeric(frame, 'lift_se');
  const tests: MmmLiftTest[] = [];
  for (let i = 0; i < frame.nRows; i++) {
    const name =
      channelColumn.kind === 'categorical' ? (channelColumn.levels[channelColumn.codes[i]] ?? '') : String(channelColumn.values[i]);
    const channel = channels.indexOf(name);
    const where = rowLocation(frame, i);
    if (channel < 0) throw new UserError(`${where}, column "channel": "${name}" is not one of --channels (${channels.join(', ')})`);
    if (spend[i] < 0) throw new UserError(`${where}, column "spend": ${spend[i]} is negative; give the weekly spend before the test (≥ 0)`);
    if (delta[i] === 0) throw new UserError(`${where}, column "delta_spend": 0 is no spend change; give the weekly change the test made`);
    if (spend[i] + delta[i] < 0) {
      throw new UserError(`${where}, column "delta_spend": ${delta[i]} takes the spend below 0 (spend ${spend[i]})`);
    }
    if (!(se[i] > 0)) throw new UserError(`${where}, column "lift_se": ${se[i]} is not a standard error; give a number > 0`);
    tests.push({ channel, spend: spend[i], deltaSpend: delta[i], lift: lift[i], se: se[i] });
  }
  return tests;
}
