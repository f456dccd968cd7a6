/**
 * The list of subcommands; each file registers one. Add a line here for a new command. Each is loaded when it is
 * run (or when the full command list is shown), so that a command does not pay for loading the others' code
 * (issue 16 item 6).
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<{ readonly register: RegisterCommand }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'fit', load: () => import('./fit.js') },
  { name: 'loo', load: () => import('./loo.js') },
  { name: 'compare', load: () => import('./compare.js') },
  { name: 'devices', load: () => import('./devices.js') },
  { name: 'summary', load: () => import('./summary.js') },
  { name: 'report', load: () => import('./report.js') },
  { name: 'score', load: () => import('./score.js') },
  { name: 'analyze', load: () => import('./analyze.js') },
  { name: 'abtest', load: () => import('./abtest.js') },
  { name: 'its', load: () => import('./its.js') },
  { name: 'clv', load: () => import('./clv.js') },
  { name: 'mmm', load: () => import('./mmm.js') },
  { name: 'serve', load: () => import('./serve.js') },
  { name: 'playground', load: () => import('./playground.js') },
];
