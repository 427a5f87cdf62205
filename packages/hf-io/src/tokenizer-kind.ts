// What kind of tokenizer a Hugging Face tokenizer file holds, decided once for every tinylm
// package: a SentencePiece `.model` (BPE or Unigram), or a tokenizer.json whose model is BPE over
// the GPT-2 byte alphabet (a ByteLevel pre-tokenizer or decoder: GPT-2, Qwen, LLaMA-3), BPE over
// ▁-marked pieces with byte fallback (LLaMA-2's tokenizer.json), Unigram, or something else
// (WordPiece, WordLevel). Field names follow the tokenizers library's tokenizer.json.

import type { SentencePieceModel } from './sentencepiece-model';

/** The kind of a tokenizer. */
export type TokenizerKind = 'sentencepiece-bpe' | 'sentencepiece-unigram' | 'bpe-byte-level' | 'bpe-byte-fallback' | 'unigram' | 'other';

/** True when a pre-tokenizer, decoder or post-processor config (possibly a Sequence) has a ByteLevel step. */
export function hasByteLevelStep(section: unknown): boolean {
  if (!section || typeof section !== 'object') return false;
  const node = section as Record<string, unknown>;
  if (node.type === 'ByteLevel') return true;
  return ['pretokenizers', 'decoders', 'processors'].some(
    (key) => Array.isArray(node[key]) && (node[key] as unknown[]).some(hasByteLevelStep),
  );
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
