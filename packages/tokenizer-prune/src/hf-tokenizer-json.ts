// Hugging Face tokenizer.json files with a BPE model, validated and classified. Follows the
// serialization of huggingface/tokenizers (tokenizers/src/models/bpe/serialization.rs and
// tokenizer/serialization.rs): `model` = { type: "BPE", vocab: { token: id }, merges: ["a b"] or
// [["a", "b"]], byte_fallback, ignore_merges, unk_token, continuing_subword_prefix,
// end_of_word_suffix, ... }, `added_tokens` = [{ id, content, special, ... }].
// Two kinds are supported, the two in use today: byte-level BPE (a ByteLevel pre-tokenizer or
// decoder, and all 256 byte symbols in the vocabulary: GPT-2, Qwen, Llama-3) and BPE with
// byte_fallback (all 256 <0xNN> pieces: Llama-2, Mistral). Both encode any text losslessly.

import { bytePieceName, tokenizerJsonKind } from '@tinylm/hf-io';
import { BYTE_LEVEL_ALPHABET } from './byte-level';
import { TokenizerFormatError } from './errors';

/** What this package can read, for error messages. */
export const SUPPORTED_TOKENIZERS =
  'supported: a Hugging Face tokenizer.json with a BPE model (byte-level like GPT-2/Qwen/Llama-3, or with byte_fallback like Llama-2/Mistral), a SentencePiece .model (BPE or Unigram), or a folder holding tokenizer.json or tokenizer.model';

/** The two BPE kinds this package handles. */
export type HfBpeKind = 'byte-level' | 'byte-fallback';

/** An entry of `added_tokens`. */
export interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  [key: string]: unknown;
}

/** A validated BPE tokenizer.json. */
export interface HfBpeTokenizer {
  kind: HfBpeKind;
  /** The parsed file, untouched (pruning copies it and replaces what changes). */
  json: Record<string, unknown>;
  /** The `model` section. */
  model: Record<string, unknown>;
  /** Model vocabulary: token -> id. */
  vocab: Map<string, number>;
  /** Merges in rank order. */
  merges: [string, string][];
  /** Whether the file wrote merges as "a b" strings (older files) rather than pairs. */
  mergesAsStrings: boolean;
  addedTokens: AddedTokenJson[];
  /** 1 + the largest id of the vocabulary or the added tokens. */
  vocabSize: number;
  /** id -> token, over the model vocabulary and the added tokens (added tokens win). */
  idToToken: (string | undefined)[];
  ignoreMerges: boolean;
  unkToken: string | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates a parsed tokenizer.json and returns its BPE model. Throws `TokenizerFormatError`
 * naming `file`, the field and what is supported, for anything else: WordPiece, Unigram or
 * WordLevel models, an unknown type, a malformed vocabulary or merge list, BPE with a
 * continuing-subword prefix or end-of-word suffix, or BPE that is neither byte-level nor
 * byte-fallback (it could not stay lossless once pruned).
 */
export function parseHfTokenizerJson(json: unknown, file: string): HfBpeTokenizer {
  const fail = (field: string, why: string): never => {
    throw new TokenizerFormatError({ message: `${file}: ${why}; ${SUPPORTED_TOKENIZERS}`, file, field });
  };
  if (!isRecord(json)) return fail('', 'not a tokenizer.json (the top level is not a JSON object)');
  const model = json.model;
  if (!isRecord(model)) return fail('model', 'not a tokenizer.json (no "model" object)');
  const type = model.type ?? (Array.isArray(model.merges) ? 'BPE' : undefined);
  if (type !== 'BPE') {
    return fail('model.type', `model type ${JSON.stringify(type ?? null)} is not supported`);
  }
  if (!isRecord(model.vocab)) return fail('model.vocab', 'model.vocab is not an object of token -> id');
  const vocab = new Map<string, number>();
  const ids = new Set<number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      fail('model.vocab', `model.vocab[${JSON.stringify(token)}] = ${JSON.stringify(id)} is not a non-negative integer id`);
    }
    if (ids.has(id as number)) fail('model.vocab', `model.vocab gives id ${id} to two tokens`);
    ids.add(id as number);
    vocab.set(token, id as number);
  }
  if (!Array.isArray(model.merges)) return fail('model.merges', 'model.merges is not a list');
  const merges: [string, string][] = [];
  let mergesAsStrings = false;
  model.merges.forEach((m: unknown, i: number) => {
    if (typeof m === 'string') {
      mergesAsStrings = true;
      const parts = m.split(' ');
      if (parts.length !== 2) fail('model.merges', `merge ${i} ${JSON.stringify(m)} is not "left right"`);
      merges.push([parts[0], parts[1]]);
    } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      merges.push([m[0], m[1]]);
    } else {
      fail('model.merges', `merge ${i} ${JSON.stringify(m)} is neither "left right" nor ["left", "right"]`);
    }
  });
  merges.forEach(([a, b], i) => {
    if (!vocab.has(a) || !vocab.has(b) || !vocab.has(a + b)) {
      fail('model.merges', `merge ${i} (${JSON.stringify(a)}, ${JSON.stringify(b)}) uses or makes a token missing from model.vocab`);
    }
  });
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    const v = model[key];
    if (v !== undefined && v !== null && v !== '') {
      fail(`model.${key}`, `BPE with ${key} ${JSON.stringify(v)} is not supported`);
    }
  }
  const addedRaw = json.added_tokens ?? [];
  if (!Array.isArray(addedRaw)) return fail('added_tokens', 'added_tokens is not a list');
  const addedTokens: AddedTokenJson[] = addedRaw.map((t: unknown, i: number) => {
    if (!isRecord(t) || !Number.isInteger(t.id) || (t.id as number) < 0 || typeof t.content !== 'string') {
      return fail('added_tokens', `added_tokens[${i}] is not { id, content, ... }`);
    }
    return t as AddedTokenJson;
  });
  let kind: HfBpeKind;
  const jsonKind = tokenizerJsonKind(json); // hf-io decides the kind for every package
  if (jsonKind === 'bpe-byte-fallback') {
    kind = 'byte-fallback';
    for (let b = 0; b < 256; b++) {
      if (!vocab.has(bytePieceName(b))) fail('model.vocab', `byte_fallback is on but byte piece ${bytePieceName(b)} is not in model.vocab`);
    }
  } else if (jsonKind === 'bpe-byte-level') {
    kind = 'byte-level';
    BYTE_LEVEL_ALPHABET.forEach((c, b) => {
      if (!vocab.has(c)) fail('model.vocab', `byte-level BPE without the symbol ${JSON.stringify(c)} for byte ${b}`);
    });
  } else {
    return fail(
      'model',
      'BPE that is neither byte-level (ByteLevel pre-tokenizer/decoder) nor byte_fallback cannot encode every text, so it cannot be pruned losslessly',
    );
  }
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  for (const t of addedTokens) vocabSize = Math.max(vocabSize, t.id + 1);
  const idToToken: (string | undefined)[] = new Array(vocabSize);
  for (const [token, id] of vocab) idToToken[id] = token;
  for (const t of addedTokens) idToToken[t.id] = t.content;
  const unk = model.unk_token;
  return {
    kind,
    json,
    model,
    vocab,
    merges,
    mergesAsStrings,
    addedTokens,
    vocabSize,
    idToToken,
    ignoreMerges: model.ignore_merges === true,
    unkToken: typeof unk === 'string' ? unk : null,
  };
}
