// Every subcommand of `tinylm`, in the order `tinylm --help` lists them.
import { archCommand } from './arch';
import { backendsCommand } from './backends';
import { benchCommand } from './bench';
import { convert2hfCommand } from './convert2hf';
import { countCommand } from './count';
import { demoCommand } from './demo';
import { encodeCommand } from './encode';
import { evalCommand } from './eval';
import { generateCommand } from './generate';
import { inheritCommand } from './inherit';
import { initCommand } from './init';
import { logitsCommand } from './logits';
import { pruneTokenizerCommand } from './prune-tokenizer';
import { reproduceCommand } from './reproduce';
import { trainCommand } from './train';
import type { Command } from './command';

export const COMMANDS: readonly Command[] = Object.freeze([
  backendsCommand,
  countCommand,
  pruneTokenizerCommand,
  encodeCommand,
  archCommand,
  inheritCommand,
  initCommand,
  trainCommand,
  evalCommand,
  convert2hfCommand,
  logitsCommand,
  generateCommand,
  benchCommand,
  demoCommand,
  reproduceCommand,
]);
