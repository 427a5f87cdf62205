// Every subcommand of `tinylm`, in the order `tinylm --help` lists them.
import { backendsCommand } from './backends';
import type { Command } from './command';

export const COMMANDS: readonly Command[] = Object.freeze([backendsCommand]);
