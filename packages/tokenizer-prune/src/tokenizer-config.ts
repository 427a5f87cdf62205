// tokenizer_config.json for a pruned tokenizer, as transformers reads it
// (PreTrainedTokenizerBase.from_pretrained): the original's, with `added_tokens_decoder` re-keyed
// by the new ids; or, when the original had none, a minimal one naming the special tokens.

import { type JsonValue, PieceType, type SentencePieceModel } from '@tinylm/hf-io';
import type { HfBpeTokenizer } from './hf-tokenizer-json';

type Json = Record<string, JsonValue>;

/** Re-keys `added_tokens_decoder` of `config` by new ids (entries for dropped ids go). */
export function remapTokenizerConfig(config: Json, map: ReadonlyMap<number, number>): Json {
  const out: Json = { ...config };
  const decoder = config.added_tokens_decoder;
  if (decoder && typeof decoder === 'object' && !Array.isArray(decoder)) {
    const entries: [number, JsonValue][] = [];
    for (const [k, v] of Object.entries(decoder)) {
      const id = map.get(Number(k));
      if (id !== undefined) entries.push([id, v]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    out.added_tokens_decoder = Object.fromEntries(entries.map(([id, v]) => [String(id), v]));
  }
  return out;
}

function addedEntry(content: string, special: boolean): Json {
  return { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special };
}

/** A minimal tokenizer_config.json for a pruned tokenizer.json that came without one. */
export function defaultHfTokenizerConfig(bpe: HfBpeTokenizer, map: ReadonlyMap<number, number>): Json {
  const decoder: Json = {};
  for (const t of bpe.addedTokens) {
    const id = map.get(t.id);
    if (id !== undefined) decoder[String(id)] = addedEntry(t.content, t.special ?? false);
  }
  const config: Json = {
    added_tokens_decoder: decoder,
    clean_up_tokenization_spaces: false,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
  if (bpe.unkToken) config.unk_token = bpe.unkToken;
  return config;
}

/** A tokenizer_config.json for a pruned SentencePiece model (LlamaTokenizer reads tokenizer.model). */
export function defaultSentencePieceConfig(model: SentencePieceModel, map: ReadonlyMap<number, number>): Json {
  const decoder: Json = {};
  const present = new Set<string>();
  model.pieces.forEach((p, old) => {
    const id = map.get(old);
    if (id === undefined) return;
    if (p.type === PieceType.CONTROL || p.type === PieceType.UNKNOWN || p.type === PieceType.USER_DEFINED) {
      decoder[String(id)] = addedEntry(p.piece, p.type !== PieceType.USER_DEFINED);
      present.add(p.piece);
    }
  });
  const t = model.trainerSpec;
  const named = (piece: string) => (present.has(piece) ? piece : null);
  return {
    add_bos_token: true,
    add_eos_token: false,
    added_tokens_decoder: decoder,
    bos_token: named(t.bosPiece),
    clean_up_tokenization_spaces: false,
    eos_token: named(t.eosPiece),
    legacy: true,
    pad_token: named(t.padPiece),
    sp_model_kwargs: {},
    tokenizer_class: 'LlamaTokenizer',
    unk_token: named(t.unkPiece),
  };
}
