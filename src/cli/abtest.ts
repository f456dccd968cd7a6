/**
 * `nutmeg abtest --data FILE --arm segment --outcome conversion [--control "No E-Mail"]`: Bayesian A/B(/n) test on
 * any 0/1 outcome — Beta(1, 1) prior per arm, posterior rates, lift against the control with a 95% credible
 * interval, P(best), expected loss.
 */
import type { Command } from 'commander';
import { loadData } from '../data/load.js';
import { abTest, armsOfFrame, chooseControl } from '../decision/abtest.js';
import { abTestTable } from '../report/abtest-table.js';
import { renderTable } from '../report/table.js';
import { SETTING_RANGES, rangeText } from '../fit/bounds.js';
import { intIn, probability } from './options.js';
import { columnTypeOptions, columnTypeRequest, dataNotes, type ColumnTypeFlags } from './column-types.js';

interface AbTestFlags extends ColumnTypeFlags {
  data: string;
  arm: string;
  outcome: string;
  control?: string;
  draws: string;
  seed: string;
  interval: string;
  json?: boolean;
}

function run(f: AbTestFlags): void {
  const draws = intIn('--draws', f.draws, SETTING_RANGES.abtestDraws);
  const seed = intIn('--seed', f.seed, SETTING_RANGES.seed);
  const interval = probability('--interval', f.interval);
  const { frame } = loadData(f.data, seed, undefined, { ...columnTypeRequest(f), ...dataNotes(false) });
  const arms = armsOfFrame(frame, f.arm, f.outcome);
  const control = chooseControl(arms, f.control);
  const result = abTest(arms, { control, draws, seed, interval });
  if (f.json) {
    process.stdout.write(JSON.stringify({ outcome: f.outcome, arm_column: f.arm, ...result }, null, 2) + '\n');
    return;
  }
  process.stdout.write(
    `A/B test of "${f.outcome}" by "${f.arm}" in ${frame.source}: Beta(1, 1) prior per arm, control "${control}"` +
      `${f.control === undefined ? ' (chosen by name; set it with --control)' : ''}, ${draws} Monte Carlo draws (seed ${seed}).\n` +
      'lift = rate / control rate − 1; expected loss = E[best rate − this arm\'s rate].\n\n',
  );
  process.stdout.write(renderTable(abTestTable(result), 'table', { digits: 4 }));
}

export function register(program: Command): void {
  columnTypeOptions(
    program
      .command('abtest')
      .description('Bayesian A/B(/n) test on a 0/1 outcome: posterior rates, lift vs control with credible interval, P(best), expected loss')
      .requiredOption('--data <file>', 'CSV, Parquet or Arrow IPC file (or sim:hillstrom)'),
  )
    .requiredOption('--arm <column>', 'column naming each row\'s arm, e.g. segment')
    .requiredOption('--outcome <column>', '0/1 outcome column, e.g. conversion or visit')
    .option('--control <arm>', 'the control arm (default: an arm named like "No E-Mail" or "control", else the first)')
    .option('--draws <n>', `Monte Carlo draws per arm (${rangeText(SETTING_RANGES.abtestDraws)})`, '100000')
    .option('--seed <n>', `random seed (${rangeText(SETTING_RANGES.seed)})`, '1')
    .option('--interval <p>', 'credible interval probability', '0.95')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  nutmeg abtest --data hillstrom.csv --arm segment --outcome conversion
  nutmeg abtest --data hillstrom.csv --arm segment --outcome visit --control "No E-Mail" --json`,
    )
    .action(run);
}
