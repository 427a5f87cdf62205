// What kind of tokenizer a Hugging Face tokenizer file holds, decided once for every tinylm
// package: a SentencePiece `.model` (BPE or Unigram), or a tokenizer.json whose model is BPE over
// the GPT-2 byte alphabet (a ByteLevel pre-tokenizer or decoder: GPT-2, Qwen, LLaMA-3), BPE over
// ▁-marked pieces with byte fallback (LLaMA-2's tokenizer.json), Unigram, or something else
// (WordPiece, WordLevel). Field names follow the tokenizers library's tokenizer.json.

import type { SentencePieceModel } from './sentencepiece-model';

/** The kind of a tokenizer. */
export type TokenizerKind = 'sentencepiece-bpe' | 'sentencepiece-unigram' | 'bpe-byte-level' | 'bpe-byte-fallback' | 'unigram' | 'other';

/** Most steps `hasByteLevelStep` looks at: far more than any real Sequence holds, so hostile nesting costs bounded work. */
export const MAX_TOKENIZER_STEPS = 4096;

/**
 * True when a pre-tokenizer, decoder or post-processor config (possibly a Sequence, possibly
 * nested) has a ByteLevel step. Walks iteratively and looks at no more than MAX_TOKENIZER_STEPS
 * steps, so a section nested 100,000 deep is answered without a stack overflow.
 */
export function hasByteLevelStep(section: unknown): boolean {
  const pending: unknown[] = [section];
  for (let seen = 0; pending.length > 0 && seen < MAX_TOKENIZER_STEPS; seen++) {
    const node = pending.pop();
    if (!node || typeof node !== 'object') continue;
    const step = node as Record<string, unknown>;
    if (step.type === 'ByteLevel') return true;
    for (const key of ['pretokenizers', 'decoders', 'processors']) {
      const children = step[key];
      if (!Array.isArray(children)) continue;
      // the first children that fit, pushed last-first so they are looked at in order
      const take = Math.min(children.length, MAX_TOKENIZER_STEPS - pending.length);
      for (let i = take - 1; i >= 0; i--) pending.push(children[i]);
    }
  }
  return false;
}

/** The kind of a parsed tokenizer.json (by its `model.type`, `model.byte_fallback` and ByteLevel steps). */
export function tokenizerJsonKind(json: Record<string, unknown>): TokenizerKind {
  const model = json.model as Record<string, unknown> | undefined;
  if (!model || typeof model !== 'object') return 'other';
  if (model.type === 'Unigram') return 'unigram';
  if (model.type !== 'BPE') return 'other';
  if (hasByteLevelStep(json.pre_tokenizer) || hasByteLevelStep(json.decoder)) return 'bpe-byte-level';
  return model.byte_fallback === true ? 'bpe-byte-fallback' : 'other';
}

/** The kind of a parsed SentencePiece model (its TrainerSpec model type; WORD and CHAR models are 'other'). */
export function sentencePieceKind(model: SentencePieceModel): TokenizerKind {
  const type = model.trainerSpec.modelType;
  return type === 'bpe' ? 'sentencepiece-bpe' : type === 'unigram' ? 'sentencepiece-unigram' : 'other';
}
