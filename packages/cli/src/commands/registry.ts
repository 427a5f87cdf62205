// Every subcommand of `tinylm`, in the order `tinylm --help` lists them.
import { archCommand } from './arch';
import { backendsCommand } from './backends';
import { benchCommand } from './bench';
import { generateCommand } from './generate';
import { initCommand } from './init';
import { logitsCommand } from './logits';
import type { Command } from './command';

export const COMMANDS: readonly Command[] = Object.freeze([
  backendsCommand,
  archCommand,
  initCommand,
  logitsCommand,
  generateCommand,
  benchCommand,
]);
