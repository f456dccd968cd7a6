/**
 * The `nutmeg` command. Each subcommand lives in its own file under src/cli/ and exports `register(program)`.
 * User mistakes (UserError, commander usage errors) print one line on stderr and exit 2; nothing else is caught here.
 */
import { Command, CommanderError } from 'commander';
import { isUserError } from '../errors.js';
import { COMMANDS, type CommandEntry } from './commands.js';
import { quietOnClosedPipes } from './signals.js';
import { packageVersion } from './version.js';

/**
 * The commands `argv` needs: none for --version, the one it names (its first argument, when that is a command's
 * name), else all of them (for the command list in --help, `help <command>`, and commander's suggestions for a
 * mistyped name).
 */
function commandsFor(argv: readonly string[] | undefined): readonly CommandEntry[] {
  const first = argv?.[2];
  if (first === '--version' || first === '-V') return [];
  const named = COMMANDS.filter((c) => c.name === first);
  return named.length > 0 ? named : COMMANDS;
}

/** The program with the commands `argv` needs (all of them without `argv`). */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('nutmeg')
    .description('Bayesian multilevel regression with NUTS, on WebGPU or the CPU')
    .version(packageVersion(), '-V, --version')
    // usage mistakes (unknown flag or command, a flag without its value) on one line, as every other user error;
    // subcommands inherit this when they are created
    .configureOutput({ outputError: (text, write) => write(usageErrorLine(text)) })
    .exitOverride();
  const commands = await Promise.all(commandsFor(argv).map((c) => c.load()));
  for (const { register } of commands) register(program);
  program.addHelpText(
    'after',
    `
Examples:
  nutmeg fit                                   fit the built-in simulated Hillstrom data
  nutmeg fit --data hillstrom.csv --formula "conversion ~ treatment + recency_z + (0 + treatment | history_segment)"
  nutmeg summary out/chain-1.csv out/chain-2.csv
  nutmeg loo out/
`,
  );
  return program;
}

/** Commander's usage error ("error: unknown option '--bogus'\n(Did you mean …?)") as one `nutmeg: …` line. */
export function usageErrorLine(text: string): string {
  const message = text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim();
  return `nutmeg: ${message} (run with --help for usage)\n`;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit through here with code 0; usage errors were already printed by commander
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(e)) {
      process.stderr.write(`nutmeg: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * The process entry (bin/nutmeg.js): quiet handling of closed pipes, then main; sets the exit code. An error that is
 * not the user's (a bug) is one line too, exit 70 (EX_SOFTWARE); NUTMEG_DEBUG=1 shows its stack.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  quietOnClosedPipes(process.stdout, process.stderr);
  try {
    process.exitCode = await main(argv);
  } catch (e) {
    const debug = process.env.NUTMEG_DEBUG === '1';
    const text = e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message.split('\n')[0]) : String(e);
    process.stderr.write(`nutmeg: internal error: ${text}${debug ? '' : ' (a bug in nutmeg: please report it with the command; NUTMEG_DEBUG=1 shows where)'}\n`);
    process.exitCode = 70;
  }
}
