// Which tokenizer files `inheritParams` copies into the target folder: `tokenizerDir` when given;
// with a vocabulary map the map's folder (the pruned tokenizer), never the source's, whose ids no
// longer match; else the source's own.
import { dirname, join } from 'node:path';
import { pathExists } from '@tinylm/hf-io';
import type { InheritContext } from './context';

export interface TokenizerChoice {
  /** The folder to copy tokenizer files from (null: none). */
  from: string | null;
  notes: string[];
}

export async function chooseTokenizer(ctx: InheritContext): Promise<TokenizerChoice> {
  const { options, vocab, source } = ctx;
  if (options.tokenizerDir !== undefined) return { from: options.tokenizerDir, notes: [] };
  if (vocab) {
    const mapDir = typeof options.vocabMap === 'string' ? dirname(options.vocabMap) : null;
    if (mapDir && (await hasTokenizerFiles(mapDir))) return { from: mapDir, notes: [] };
    return {
      from: null,
      notes: [
        'no tokenizer files copied: the source tokenizer does not match the pruned vocabulary and none was found beside the vocabulary map (give tokenizerDir / --tokenizer)',
      ],
    };
  }
  return { from: source.hasTokenizer ? source.dir : null, notes: [] };
}

async function hasTokenizerFiles(dir: string): Promise<boolean> {
  return (await pathExists(join(dir, 'tokenizer.json'))) || (await pathExists(join(dir, 'tokenizer.model')));
}
