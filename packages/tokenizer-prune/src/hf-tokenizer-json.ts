// Hugging Face tokenizer.json files with a BPE model, validated and classified. Follows the
// serialization of huggingface/tokenizers (tokenizers/src/models/bpe/serialization.rs and
// tokenizer/serialization.rs): `model` = { type: "BPE", vocab: { token: id }, merges: ["a b"] or
// [["a", "b"]], byte_fallback, ignore_merges, unk_token, continuing_subword_prefix,
// end_of_word_suffix, ... }, `added_tokens` = [{ id, content, special, ... }].
// Two kinds are supported, the two in use today: byte-level BPE (a ByteLevel pre-tokenizer or
// decoder, and all 256 byte symbols in the vocabulary: GPT-2, Qwen, Llama-3) and BPE with
// byte_fallback (all 256 <0xNN> pieces: Llama-2, Mistral). Both encode any text losslessly.

import { showValue } from '@tinylm/errors';
import { bytePieceName, tokenizerJsonKind } from '@tinylm/hf-io';
import { z } from 'zod';
import { BYTE_LEVEL_ALPHABET } from './byte-level';
import { TokenizerFormatError } from './errors';
import { MAX_JSON_DEPTH, showPath, tooDeepAt } from '@tinylm/errors';
import { DECODERS, NORMALIZERS, POST_PROCESSORS, PRE_TOKENIZERS, type SectionKind, sectionIssue } from './tokenizer-json-pipeline';

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
 * The largest id a tokenizer.json may use. Ids index embedding rows and dense per-id arrays
 * (counts, id -> token), so they stay int32 ids.
 */
export const MAX_TOKEN_ID = 2 ** 31 - 1;
/**
 * Ids may leave gaps (an unused id), but 1 + the largest id may exceed the ids the file really
 * holds by at most this many plus as many again: per-id arrays are sized by it, and a file must
 * not make a reader allocate for ids it only claims.
 */
export const MAX_ID_GAPS = 1024;

/** The options of `model` a BPE tokenizer.json may set, and their types (tokenizers' BPE serialization). */
const bpeOptions = z.looseObject({
  type: z.literal('BPE').optional(),
  dropout: z.number().min(0).max(1).nullable().optional(),
  unk_token: z.string().nullable().optional(),
  continuing_subword_prefix: z.string().nullable().optional(),
  end_of_word_suffix: z.string().nullable().optional(),
  fuse_unk: z.boolean().optional(),
  byte_fallback: z.boolean().optional(),
  ignore_merges: z.boolean().optional(),
});

const addedTokenSchema = z.looseObject({
  id: z.number().int().min(0).max(MAX_TOKEN_ID),
  content: z.string(),
  special: z.boolean().optional(),
  single_word: z.boolean().optional(),
  lstrip: z.boolean().optional(),
  rstrip: z.boolean().optional(),
  normalized: z.boolean().optional(),
});

/** The pipeline sections and what each may hold. */
const SECTIONS: [key: string, kind: SectionKind][] = [
  ['normalizer', NORMALIZERS],
  ['pre_tokenizer', PRE_TOKENIZERS],
  ['post_processor', POST_PROCESSORS],
  ['decoder', DECODERS],
];

/**
 * Validates a parsed tokenizer.json and returns its BPE model. Throws `TokenizerFormatError`
 * naming `file`, the JSON path and what is supported, for anything else: WordPiece, Unigram or
 * WordLevel models, an unknown type, a malformed vocabulary or merge list (ids that are not
 * int32 ids, far beyond the tokens the file holds, or given twice; merges that are not pairs,
 * repeat, or use tokens outside the vocabulary), malformed added tokens, pipeline steps
 * (normalizer, pre-tokenizer, post-processor, decoder) of a type tokenizers.js does not build or
 * with fields of the wrong type, nesting deeper than MAX_JSON_DEPTH, BPE with a
 * continuing-subword prefix or end-of-word suffix, or BPE that is neither byte-level nor
 * byte-fallback (it could not stay lossless once pruned). Work is linear in the file's size.
 */
export function parseHfTokenizerJson(json: unknown, file: string): HfBpeTokenizer {
  const fail = (field: string, why: string, value?: unknown, allowed?: string): never => {
    throw new TokenizerFormatError({ message: `${file}: ${why}; ${SUPPORTED_TOKENIZERS}`, file, field, value, allowed });
  };
  /** Fails naming the JSON path, the value there (bounded) and what is allowed. */
  const failAt = (path: (string | number)[], value: unknown, why: string, allowed?: string): never =>
    fail(showPath(path), `${showPath(path)} = ${showValue(value)} ${why}`, value, allowed);
  if (!isRecord(json)) return fail('', 'not a tokenizer.json (the top level is not a JSON object)');
  const deep = tooDeepAt(json);
  if (deep)
    return fail(showPath(deep), `${showPath(deep)} nests deeper than ${MAX_JSON_DEPTH} levels (a tokenizer.json nests fewer than 10)`);
  const model = json.model;
  if (!isRecord(model)) return fail('model', 'not a tokenizer.json (no "model" object)');
  const type = model.type ?? (Array.isArray(model.merges) ? 'BPE' : undefined);
  if (type !== 'BPE') {
    return fail('model.type', `model type ${showValue(type ?? null)} is not supported`, type, 'BPE');
  }
  const options = bpeOptions.safeParse(model);
  if (!options.success) {
    const issue = options.error.issues[0];
    const path = ['model', ...issue.path.map(String)];
    return failAt(path, valueAt(json, path), `is invalid: ${issue.message}`);
  }
  if (!isRecord(model.vocab)) return failAt(['model', 'vocab'], model.vocab, 'is not an object of token -> id');
  const vocab = new Map<string, number>();
  const tokenOfId = new Map<number, string>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      fail(
        'model.vocab',
        `model.vocab[${showValue(token)}] = ${showValue(id)} is not a non-negative integer id`,
        id,
        `an integer 0..${MAX_TOKEN_ID}`,
      );
    }
    if ((id as number) > MAX_TOKEN_ID) {
      fail(
        'model.vocab',
        `model.vocab[${showValue(token)}] = ${showValue(id)} is beyond the largest id ${MAX_TOKEN_ID}`,
        id,
        `an integer 0..${MAX_TOKEN_ID}`,
      );
    }
    const other = tokenOfId.get(id as number);
    if (other !== undefined)
      fail('model.vocab', `model.vocab gives id ${id} to two tokens (${showValue(other)} and ${showValue(token)})`, id);
    tokenOfId.set(id as number, token);
    vocab.set(token, id as number);
  }
  if (!Array.isArray(model.merges)) return failAt(['model', 'merges'], model.merges, 'is not a list');
  const merges: [string, string][] = [];
  let mergesAsStrings = false;
  let mergesAsPairs = false;
  const seenMerges = new Map<string, number>();
  for (let i = 0; i < model.merges.length; i++) {
    const m: unknown = model.merges[i];
    let pair: [string, string];
    if (typeof m === 'string') {
      mergesAsStrings = true;
      const parts = m.split(' ');
      if (parts.length !== 2)
        fail('model.merges', `merge ${i} ${showValue(m)} is not "left right"`, m, '"left right" or ["left", "right"]');
      pair = [parts[0], parts[1]];
    } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      mergesAsPairs = true;
      pair = [m[0], m[1]];
    } else {
      return fail(
        'model.merges',
        `merge ${i} ${showValue(m)} is neither "left right" nor ["left", "right"]`,
        m,
        '"left right" or ["left", "right"]',
      );
    }
    // tokenizers.js reads the whole list in the notation of its first merge.
    if (mergesAsStrings && mergesAsPairs) {
      fail(
        'model.merges',
        `merge ${i} ${showValue(m)} mixes the "left right" and ["left", "right"] notations in one list`,
        m,
        'one notation for all merges',
      );
    }
    const [a, b] = pair;
    if (!vocab.has(a) || !vocab.has(b) || !vocab.has(a + b)) {
      fail('model.merges', `merge ${i} (${showValue(a)}, ${showValue(b)}) uses or makes a token missing from model.vocab`, m);
    }
    // Libraries disagree on a repeated merge (tokenizers.js keeps the last rank, pruning the first).
    const key = JSON.stringify(pair);
    const first = seenMerges.get(key);
    if (first !== undefined)
      fail('model.merges', `merge ${i} (${showValue(a)}, ${showValue(b)}) repeats merge ${first}`, m, 'each merge once');
    seenMerges.set(key, i);
    merges.push(pair);
  }
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    const v = model[key];
    if (v !== undefined && v !== null && v !== '') {
      fail(`model.${key}`, `BPE with ${key} ${showValue(v)} is not supported`, v, 'null or ""');
    }
  }
  const addedRaw = json.added_tokens ?? [];
  if (!Array.isArray(addedRaw)) return failAt(['added_tokens'], addedRaw, 'is not a list');
  const addedTokens: AddedTokenJson[] = [];
  const addedById = new Map<number, string>();
  const addedContents = new Set<string>();
  for (let i = 0; i < addedRaw.length; i++) {
    const parsed = addedTokenSchema.safeParse(addedRaw[i]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = ['added_tokens', i, ...issue.path.map(String)];
      fail(
        `added_tokens[${i}]`,
        `added_tokens[${i}] is not { id, content, ... }: ${showPath(path)} = ${showValue(valueAt(json, path))} is invalid (${issue.message})`,
        addedRaw[i],
        `{ id: an integer 0..${MAX_TOKEN_ID}, content: string, special?, single_word?, lstrip?, rstrip?, normalized?: boolean }`,
      );
    }
    const t = addedRaw[i] as AddedTokenJson;
    const other = addedById.get(t.id);
    if (other !== undefined)
      fail(
        `added_tokens[${i}].id`,
        `added_tokens[${i}] gives id ${t.id} to ${showValue(t.content)}, already added as ${showValue(other)}`,
        t.id,
      );
    if (addedContents.has(t.content))
      fail(`added_tokens[${i}].content`, `added_tokens[${i}] adds ${showValue(t.content)} a second time`, t.content);
    addedById.set(t.id, t.content);
    addedContents.add(t.content);
    addedTokens.push(t);
  }
  for (const [key, kind] of SECTIONS) {
    const issue = sectionIssue(kind, json[key]);
    if (issue) {
      const path = [key, ...issue.path];
      const allowed = issue.why.includes('supported') ? Object.keys(kind.types).join(', ') : undefined;
      failAt(path, valueAt(json, path), issue.why, allowed);
    }
  }
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  for (const t of addedTokens) vocabSize = Math.max(vocabSize, t.id + 1);
  const distinct = new Set([...tokenOfId.keys(), ...addedById.keys()]).size;
  if (vocabSize > 2 * distinct + MAX_ID_GAPS) {
    fail(
      'model.vocab',
      `the largest id, ${vocabSize - 1}, is far beyond the ${distinct} ids the file holds (at most ${2 * distinct + MAX_ID_GAPS} ids may be spanned: gaps of unused ids up to the number of ids plus ${MAX_ID_GAPS})`,
      vocabSize - 1,
      `ids below ${2 * distinct + MAX_ID_GAPS}`,
    );
  }
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
      if (!vocab.has(c)) fail('model.vocab', `byte-level BPE without the symbol ${showValue(c)} for byte ${b}`);
    });
  } else {
    return fail(
      'model',
      'BPE that is neither byte-level (ByteLevel pre-tokenizer/decoder) nor byte_fallback cannot encode every text, so it cannot be pruned losslessly',
    );
  }
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

/** The value at `path` in `value`, or undefined. */
function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}
