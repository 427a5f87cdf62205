// Every subcommand of `tinylm`, in the order `tinylm --help` lists them.
import { archCommand } from './arch';
import { backendsCommand } from './backends';
import { benchCommand } from './bench';
import { countCommand } from './count';
import { demoCommand } from './demo';
import { encodeCommand } from './encode';
import { generateCommand } from './generate';
import { initCommand } from './init';
import { logitsCommand } from './logits';
import { pruneTokenizerCommand } from './prune-tokenizer';
import type { Command } from './command';

export const COMMANDS: readonly Command[] = Object.freeze([
  backendsCommand,
  countCommand,
  pruneTokenizerCommand,
  encodeCommand,
  archCommand,
  initCommand,
  logitsCommand,
  generateCommand,
  benchCommand,
  demoCommand,
]);
