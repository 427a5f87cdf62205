// A Hugging Face tokenizer as GGUF tokenizer metadata for llama.cpp (`tokenizer.ggml.*`).
// Follows llama.cpp's convert_hf_to_gguf.py (`_set_vocab_sentencepiece`, `_set_vocab_gpt2`,
// `get_vocab_base_pre`) and gguf-py's constants (TokenType: NORMAL 1, UNKNOWN 2, CONTROL 3,
// USER_DEFINED 4, UNUSED 5, BYTE 6), and what llama.cpp's src/llama-vocab.cpp reads:
// - "llama" (SentencePiece-style: ▁ for spaces, byte fallback, merges by piece score) for a
//   tokenizer.model, a tokenizer.json BPE with byte_fallback (LLaMA-2's), or a Unigram one:
//   tokens, scores, token_type, add_space_prefix;
// - "gpt2" (byte-level BPE) for a byte-level tokenizer.json: tokens, token_type, merges, and the
//   pre-tokenizer name `tokenizer.ggml.pre` llama.cpp knows the split regex by ("qwen2",
//   "llama-bpe", "gpt-2", else "default").
// Ids with no token (gaps) and embedding rows beyond the tokenizer (padding) become "[PAD<id>]"
// tokens of type UNUSED, so the token count equals the embedding rows, as llama.cpp requires.
// For a tokenizer.json BPE with byte fallback the scores come from the merges: the token made by
// merge number r scores -r, so llama.cpp's highest-score-first merging applies merges in the
// tokenizer's rank order (the order in which transformers' LlamaConverter lists SentencePiece
// merges: by the score of the merged piece).

import { GgufExportError } from './errors';
import type { GgufValue } from './gguf-writer';
import type { TokenizerInfo } from './tokenizer-files';
import { parseOptions } from '@tinylm/errors';
import { ggufVocabOptions } from './options';

/** GGUF token types (gguf-py `TokenType`). */
export const GGUF_TOKEN_TYPES = Object.freeze({ normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const);

/** Pre-tokenizer regexes llama.cpp knows by name (llama-vocab.cpp `LLAMA_VOCAB_PRE_TYPE_*`). */
const KNOWN_PRE: readonly [string, string][] = [
  [
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    'qwen2',
  ],
  [
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    'llama-bpe',
  ],
];

/** The GGUF tokenizer metadata of `tokenizer`, padded to `vocabSize` tokens. */
export interface GgufVocab {
  readonly model: 'llama' | 'gpt2';
  readonly pre?: string;
  readonly metadata: [string, GgufValue][];
  readonly notes: string[];
}

/** Options for `ggufVocab`. */
export interface GgufVocabOptions {
  /** `tokenizer.ggml.pre` for byte-level BPE; default: detected from tokenizer.json's Split regex. */
  pre?: string;
}

/** The `tokenizer.ggml.pre` name for a byte-level tokenizer.json (see the file header). */
export function detectPreTokenizer(json: Record<string, unknown>): { pre: string; exact: boolean } {
  const regexes: string[] = [];
  let gpt2ByteLevel = false;
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Split' && n.pattern && typeof (n.pattern as { Regex?: unknown }).Regex === 'string')
      regexes.push((n.pattern as { Regex: string }).Regex);
    if (n.type === 'ByteLevel' && n.use_regex !== false) gpt2ByteLevel = true;
    if (Array.isArray(n.pretokenizers)) n.pretokenizers.forEach(walk);
  };
  walk(json.pre_tokenizer);
  if (regexes.length === 1) {
    const known = KNOWN_PRE.find(([re]) => re === regexes[0]);
    if (known) return { pre: known[1], exact: true };
  }
  if (regexes.length === 0 && gpt2ByteLevel) return { pre: 'gpt-2', exact: true };
  return { pre: 'default', exact: false };
}

function special(tokenizer: TokenizerInfo): Map<number, boolean> {
  // added tokens: id -> special?
  const out = new Map<number, boolean>();
  const added = Array.isArray(tokenizer.tokenizerJson?.added_tokens)
    ? (tokenizer.tokenizerJson?.added_tokens as Record<string, unknown>[])
    : [];
  for (const t of added) out.set(t.id as number, t.special === true);
  return out;
}

/**
 * GGUF tokenizer metadata (see the file header) for `tokenizer`, with `vocabSize` tokens (the
 * embedding rows). Throws `GgufExportError` for tokenizers llama.cpp's llama architecture cannot
 * express (WordPiece, WordLevel, ...), or when the tokenizer is larger than `vocabSize`.
 */
export function ggufVocab(tokenizer: TokenizerInfo, vocabSize: number, options: GgufVocabOptions = {}): GgufVocab {
  const opts = parseOptions(ggufVocabOptions, options, 'ggufVocab');
  if (tokenizer.size > vocabSize) {
    throw new GgufExportError({
      message: `${tokenizer.dir}: the tokenizer has ${tokenizer.size} ids but the model only ${vocabSize} embedding rows`,
      file: tokenizer.dir,
    });
  }
  const T = GGUF_TOKEN_TYPES;
  const tokens: string[] = new Array(vocabSize);
  const types = new Int32Array(vocabSize);
  const scores = new Float32Array(vocabSize);
  const added = special(tokenizer);
  const notes: string[] = [];
  let gaps = 0;
  const padToken = (id: number, score = -1000) => {
    tokens[id] = `[PAD${id}]`;
    types[id] = T.unused;
    scores[id] = score;
  };
  const metadata: [string, GgufValue][] = [];
  let model: 'llama' | 'gpt2';
  let pre: string | undefined;

  if (
    tokenizer.kind === 'sentencepiece-bpe' ||
    tokenizer.kind === 'sentencepiece-unigram' ||
    tokenizer.kind === 'bpe-byte-fallback' ||
    tokenizer.kind === 'unigram'
  ) {
    model = 'llama';
    const sp = tokenizer.sentencePiece;
    let mergeScores: Map<string, number> | undefined;
    if (!sp && tokenizer.kind === 'bpe-byte-fallback') {
      mergeScores = new Map();
      const merges = ((tokenizer.tokenizerJson?.model ?? {}) as { merges?: unknown[] }).merges ?? [];
      merges.forEach((m, rank) => {
        const [a, b] = typeof m === 'string' ? splitMerge(m) : (m as string[]);
        const merged = a + b;
        if (!mergeScores?.has(merged)) mergeScores?.set(merged, -rank);
      });
    }
    const unigramScores =
      !sp && tokenizer.kind === 'unigram'
        ? (((tokenizer.tokenizerJson?.model ?? {}) as { vocab: [string, number][] }).vocab ?? [])
        : undefined;
    const lowest = -(mergeScores?.size ?? 0) - 1;
    for (let id = 0; id < vocabSize; id++) {
      const text = tokenizer.tokenAt(id);
      if (text === undefined) {
        if (id < tokenizer.size) gaps++;
        padToken(id);
        continue;
      }
      tokens[id] = text;
      if (sp && id < sp.pieces.length) {
        scores[id] = sp.pieces[id].score;
        types[id] = sp.pieces[id].type;
      } else {
        types[id] = /^<0x[0-9A-Fa-f]{2}>$/.test(text) ? T.byte : T.normal;
        if (added.has(id)) types[id] = added.get(id) ? T.control : T.userDefined;
        if (id === tokenizer.special.unk) types[id] = T.unknown;
        if (mergeScores) scores[id] = mergeScores.get(text) ?? ([...text].length > 1 ? lowest : 0);
        else if (unigramScores) scores[id] = Number(unigramScores[id]?.[1] ?? 0);
      }
    }
    // llama.cpp's SentencePiece vocabulary looks up byte pieces (the newline first, when it
    // loads) and aborts the process when one is missing: require all 256, as byte_fallback has.
    const missingByte = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`).find(
      (t) => tokenizer.idOf(t) === undefined,
    );
    if (missingByte) {
      throw new GgufExportError({
        message: `${tokenizer.dir}: the tokenizer has no byte piece ${missingByte}; llama.cpp's SentencePiece-style vocabulary needs all 256 byte pieces <0x00>..<0xFF> (a SentencePiece model trained with byte_fallback)`,
        file: tokenizer.dir,
      });
    }
    const addPrefix = sp ? sp.normalizerSpec.addDummyPrefix : addsSpacePrefix(tokenizer.tokenizerJson as Record<string, unknown>);
    metadata.push(['tokenizer.ggml.model', { type: 'string', value: 'llama' }]);
    metadata.push(['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', values: tokens }]);
    metadata.push(['tokenizer.ggml.scores', { type: 'array', itemType: 'float32', values: scores }]);
    metadata.push(['tokenizer.ggml.token_type', { type: 'array', itemType: 'int32', values: types }]);
    metadata.push(['tokenizer.ggml.add_space_prefix', { type: 'bool', value: addPrefix }]);
    const normalizer = sp?.normalizerSpec;
    if (normalizer) metadata.push(['tokenizer.ggml.remove_extra_whitespaces', { type: 'bool', value: normalizer.removeExtraWhitespaces }]);
    if (normalizer && ((normalizer.name !== '' && normalizer.name !== 'identity') || normalizer.removeExtraWhitespaces)) {
      notes.push(
        `the SentencePiece model normalizes text (${normalizer.name || 'custom rules'}${normalizer.removeExtraWhitespaces ? ', folding runs of whitespace' : ''}), which llama.cpp's SentencePiece-style tokenizer does not do: ` +
          'text with such characters may split differently (token ids evaluate the same). LLaMA-style models are trained with --normalization_rule_name=identity --remove_extra_whitespaces=false',
      );
    }
    if (tokenizer.kind === 'unigram' && !sp)
      notes.push(
        "Unigram tokenizer.json written as llama.cpp's SentencePiece-style vocabulary (scores = unigram log-probabilities); llama.cpp's merging only approximates Unigram segmentation",
      );
  } else if (tokenizer.kind === 'bpe-byte-level') {
    model = 'gpt2';
    for (let id = 0; id < vocabSize; id++) {
      const text = tokenizer.tokenAt(id);
      if (text === undefined) {
        if (id < tokenizer.size) gaps++;
        padToken(id, 0);
        continue;
      }
      tokens[id] = text;
      types[id] = added.has(id) ? (added.get(id) ? T.control : T.userDefined) : T.normal;
    }
    const merges = (((tokenizer.tokenizerJson?.model ?? {}) as { merges?: unknown[] }).merges ?? []).map((m) =>
      typeof m === 'string' ? m : (m as string[]).join(' '),
    );
    const detected = detectPreTokenizer(tokenizer.tokenizerJson as Record<string, unknown>);
    pre = opts.pre ?? detected.pre;
    if (!opts.pre && !detected.exact) {
      notes.push(
        `tokenizer.json's pre-tokenizer matches none llama.cpp knows by name; wrote tokenizer.ggml.pre "default" (text is split differently; token ids evaluate the same). Pass pre to choose`,
      );
    }
    metadata.push(['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }]);
    metadata.push(['tokenizer.ggml.pre', { type: 'string', value: pre }]);
    metadata.push(['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', values: tokens }]);
    metadata.push(['tokenizer.ggml.token_type', { type: 'array', itemType: 'int32', values: types }]);
    metadata.push(['tokenizer.ggml.merges', { type: 'array', itemType: 'string', values: merges }]);
  } else {
    throw new GgufExportError({
      message: `${tokenizer.dir}: this tokenizer (${String(((tokenizer.tokenizerJson?.model ?? {}) as { type?: unknown })?.type ?? 'unknown')}) cannot be written for llama.cpp; supported: SentencePiece (tokenizer.model), tokenizer.json BPE with byte fallback, byte-level BPE, Unigram`,
      file: tokenizer.dir,
    });
  }
  const ids: [string, number | undefined][] = [
    ['tokenizer.ggml.bos_token_id', tokenizer.special.bos],
    ['tokenizer.ggml.eos_token_id', tokenizer.special.eos],
    ['tokenizer.ggml.unknown_token_id', tokenizer.special.unk],
    ['tokenizer.ggml.padding_token_id', tokenizer.special.pad],
  ];
  for (const [key, id] of ids) if (id !== undefined) metadata.push([key, { type: 'uint32', value: id }]);
  if (tokenizer.addBos !== undefined) metadata.push(['tokenizer.ggml.add_bos_token', { type: 'bool', value: tokenizer.addBos }]);
  if (tokenizer.addEos !== undefined) metadata.push(['tokenizer.ggml.add_eos_token', { type: 'bool', value: tokenizer.addEos }]);
  if (gaps > 0) notes.push(`${gaps} ids without a token became [PAD<id>] (UNUSED)`);
  if (vocabSize > tokenizer.size)
    notes.push(`${vocabSize - tokenizer.size} padding rows beyond the tokenizer became [PAD<id>] tokens (UNUSED)`);
  return { model, pre, metadata, notes };
}

/** A merges entry "a b" split at the space that separates the two parts (parts never contain spaces). */
function splitMerge(m: string): [string, string] {
  const at = m.indexOf(' ', 1);
  if (at < 0)
    throw new GgufExportError({ message: `tokenizer.json merge ${JSON.stringify(m)} is not "left right"`, field: 'model.merges' });
  return [m.slice(0, at), m.slice(at + 1)];
}

/** Whether a ▁-style tokenizer.json adds a ▁ before the text (a Prepend("▁") normalizer or a Metaspace that prepends). */
function addsSpacePrefix(json: Record<string, unknown>): boolean {
  let found = false;
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Prepend' && n.prepend === '\u2581') found = true;
    if (n.type === 'Metaspace' && (n.add_prefix_space === true || n.prepend_scheme === 'always' || n.prepend_scheme === 'first'))
      found = true;
    for (const key of ['normalizers', 'pretokenizers']) if (Array.isArray(n[key])) (n[key] as unknown[]).forEach(walk);
  };
  walk(json.normalizer);
  walk(json.pre_tokenizer);
  return found;
}
