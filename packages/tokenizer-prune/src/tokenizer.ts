// The runtime tokenizer other tinylm packages use (the trainer, `tinylm generate --prompt`, the
// demo): encode / decode / special ids for a tokenizer.json or a SentencePiece .model, pure
// TypeScript. tokenizer.json is run by Hugging Face's own tokenizers.js (@huggingface/tokenizers),
// a well-kept implementation of the tokenizers library's pipeline; a .model by our port of
// SentencePiece (sentencepiece-encoder.ts), which tests check id for id against
// python3-sentencepiece, because tokenizers.js' Unigram lacks byte fallback and its Precompiled
// normalizer only approximates the charsmap.

import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { type JsonValue, PieceType, type TokenizerKind } from '@tinylm/hf-io';
import { SentencePieceEncoder } from './sentencepiece-encoder';
import { readTokenizerSource, type TokenizerSource, tokenizerKindOf } from './tokenizer-source';
import { InvalidArgumentError, parseOptions, showValue } from '@tinylm/errors';
import { TokenizerFormatError } from './errors';
import { decodeOptions } from './options';

/** Which tokenizer family a `Tokenizer` runs: hf-io's TokenizerKind, one of 'bpe-byte-level', 'bpe-byte-fallback', 'sentencepiece-bpe', 'sentencepiece-unigram'. */
export type { TokenizerKind };

/** Options of `Tokenizer.decode`. */
export interface DecodeOptions {
  /**
   * Leave special tokens (BOS, EOS, chat markers such as `<|im_end|>`, ...) out of the text.
   * Default true, as generated text is read by people; false keeps them (exact round trips).
   */
  skipSpecialTokens?: boolean;
}

/** A loaded tokenizer. `encode` never adds BOS/EOS: callers add `bosId` / `eosId` themselves. */
export interface Tokenizer {
  /** The tokenizer file that was loaded. */
  readonly path: string;
  readonly kind: TokenizerKind;
  /** Number of ids (embedding rows a model needs). */
  readonly vocabSize: number;
  /** The fingerprint count files record (`sha256:<hex>`). */
  readonly hash: string;
  /** Beginning-of-sequence id, or null when the tokenizer has none. */
  readonly bosId: number | null;
  /** End-of-sequence id, or null. */
  readonly eosId: number | null;
  /** Padding id, or null. */
  readonly padId: number | null;
  /** Unknown-token id, or null (byte-level BPE needs none). */
  readonly unkId: number | null;
  /** Ids of `text`, without BOS/EOS. */
  encode(text: string): number[];
  /** Text of `ids`. */
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** The token string of `id`, or undefined. */
  idToToken(id: number): string | undefined;
  /** The id of a token string, or undefined. */
  tokenToId(token: string): number | undefined;
}

/**
 * Loads a tokenizer: a tokenizer.json (with tokenizer_config.json beside it when present), a
 * SentencePiece .model, or a folder holding either. Throws `TokenizerFormatError` naming the
 * file for anything unreadable or unsupported.
 */
export async function loadTokenizer(pathOrDir: string): Promise<Tokenizer> {
  return tokenizerFromSource(await readTokenizerSource(pathOrDir));
}

function tokenName(v: JsonValue | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v) && typeof v.content === 'string') return v.content;
  return null;
}

/**
 * The id of the special token `key` (`bos_token`, ...): from tokenizer_config.json or
 * special_tokens_map.json when they name it (null when they say null), else the first of
 * `fallbacks` the vocabulary has.
 */
function specialId(
  source: TokenizerSource,
  key: string,
  fallbacks: readonly string[],
  lookup: (t: string) => number | undefined,
): number | null {
  for (const file of [source.config, source.specialTokensMap]) {
    if (!file || !(key in file)) continue;
    const name = tokenName(file[key]);
    return name == null ? null : (lookup(name) ?? null);
  }
  for (const name of fallbacks) {
    const id = lookup(name);
    if (id !== undefined) return id;
  }
  return null;
}

/** Builds the runtime tokenizer for an already-read source. */
export function tokenizerFromSource(source: TokenizerSource): Tokenizer {
  return source.format === 'tokenizer.json' ? hfTokenizer(source) : sentencePieceTokenizer(source);
}

function hfTokenizer(source: Extract<TokenizerSource, { format: 'tokenizer.json' }>): Tokenizer {
  const { bpe } = source;
  // tokenizers.js wants every pipeline key present (null when unused) and a config object.
  const json = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, added_tokens: [], ...bpe.json };
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(json, (source.config ?? {}) as object);
  } catch (error) {
    // parseHfTokenizerJson checked every field tokenizers.js reads, so this is a regex it cannot
    // compile or a tokenizer_config.json setting of the wrong type; its own error is the cause.
    throw new TokenizerFormatError({
      message:
        `${source.path}: tokenizers.js cannot build this tokenizer (${error instanceof Error ? error.message : showValue(error)})`.slice(
          0,
          2000,
        ),
      file: source.path,
      cause: error,
    });
  }
  speedUpBpeCache(hf);
  const byContent = new Map<string, number>();
  for (const [t, id] of bpe.vocab) byContent.set(t, id);
  for (const t of bpe.addedTokens) byContent.set(t.content, t.id);
  const lookup = (t: string) => byContent.get(t);
  const special = new Set(bpe.addedTokens.filter((t) => t.special).map((t) => t.id));
  return {
    path: source.path,
    kind: tokenizerKindOf(source),
    vocabSize: source.vocabSize,
    hash: source.hash,
    bosId: specialId(source, 'bos_token', ['<s>', '<bos>', '<|begin_of_text|>', '<|startoftext|>'], lookup),
    eosId: specialId(source, 'eos_token', ['</s>', '<eos>', '<|end_of_text|>', '<|endoftext|>'], lookup),
    padId: specialId(source, 'pad_token', ['<pad>', '<|pad|>', '[PAD]'], lookup),
    unkId: bpe.unkToken === null ? null : (lookup(bpe.unkToken) ?? null),
    encode: (text) => hf.encode(text, { add_special_tokens: false }).ids,
    decode: (ids, options = {}) => {
      options = parseOptions(decodeOptions, options, 'decode');
      const kept = options.skipSpecialTokens !== false ? ids.filter((id) => !special.has(id)) : ids;
      if (kept.length === 0) return '';
      checkDecodeIds(kept, source.path, source.vocabSize, (id) => bpe.idToToken[id] !== undefined);
      return hf.decode([...kept], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    },
    idToToken: (id) => bpe.idToToken[id],
    tokenToId: lookup,
  };
}

/**
 * A bounded memo for tokenizers.js' BPE (its public `model.cache`, a pure cache of
 * `bpe(pre-token)`): one Map lookup per hit instead of the LRU's has + get + delete + set, and
 * 128k entries instead of 10k, emptied when full so memory stays bounded. The ids are unchanged
 * (the tests compare ids with a stock tokenizers.js); encoding with Qwen3 takes about 1.3x less
 * CPU time (measured on 4 MB of the man-page corpus of docs/benchmarks.md).
 */
class BoundedCache<V> {
  private map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  put(key: string, value: V): void {
    if (this.map.size >= this.capacity) this.map.clear();
    this.map.set(key, value);
  }
  clear(): void {
    this.map.clear();
  }
}

function speedUpBpeCache(hf: HfTokenizer): void {
  const model = hf.model as unknown as { cache?: { get: unknown; put: unknown } } | null;
  if (model?.cache && typeof model.cache.get === 'function' && typeof model.cache.put === 'function') {
    model.cache = new BoundedCache<string[]>(1 << 17);
  }
}

function sentencePieceTokenizer(source: Extract<TokenizerSource, { format: 'sentencepiece' }>): Tokenizer {
  const { model } = source;
  const sp = new SentencePieceEncoder(model, source.path);
  const lookup = (t: string) => sp.pieceToIdOf(t);
  const control = (name: string) => {
    const id = lookup(name);
    return id !== undefined && model.pieces[id].type === PieceType.CONTROL ? [name] : [];
  };
  const t = model.trainerSpec;
  const hidden = new Set<number>();
  model.pieces.forEach((p, id) => {
    if (p.type === PieceType.CONTROL || p.type === PieceType.UNKNOWN) hidden.add(id);
  });
  const unk = model.pieces.findIndex((p) => p.type === PieceType.UNKNOWN);
  return {
    path: source.path,
    kind: tokenizerKindOf(source),
    vocabSize: source.vocabSize,
    hash: source.hash,
    bosId: specialId(source, 'bos_token', control(t.bosPiece), lookup),
    eosId: specialId(source, 'eos_token', control(t.eosPiece), lookup),
    padId: specialId(source, 'pad_token', control(t.padPiece), lookup),
    unkId: unk >= 0 ? unk : null,
    encode: (text) => sp.encode(text),
    decode: (ids, options = {}) => {
      options = parseOptions(decodeOptions, options, 'decode');
      checkDecodeIds(ids, source.path, source.vocabSize, () => true);
      return sp.decode(options.skipSpecialTokens !== false ? ids.filter((id) => !hidden.has(id)) : ids);
    },
    idToToken: (id) => sp.idToPiece(id),
    tokenToId: lookup,
  };
}

/** Refuses an id that names no token of the file (a non-integer, negative, past the vocabulary or a hole in it). */
function checkDecodeIds(ids: readonly number[], path: string, vocabSize: number, known: (id: number) => boolean): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize || !known(id)) {
      throw new InvalidArgumentError({
        field: `decode: ids[${i}]`,
        value: id,
        reason: `no token of ${path} has it`,
        allowed: `ids 0..${vocabSize - 1}`,
      });
    }
  }
}
