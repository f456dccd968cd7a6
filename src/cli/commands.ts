/** The list of subcommands; each file registers one. Add a line here for a new command. */
import type { Command } from 'commander';
import { register as abtest } from './abtest.js';
import { register as analyze } from './analyze.js';
import { register as compare } from './compare.js';
import { register as devices } from './devices.js';
import { register as fit } from './fit.js';
import { register as loo } from './loo.js';
import { register as score } from './score.js';
import { register as serve } from './serve.js';
import { register as summary } from './summary.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [fit, loo, compare, devices, summary, score, analyze, abtest, serve];
