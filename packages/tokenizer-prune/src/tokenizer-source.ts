// Finding, reading and fingerprinting a tokenizer: a tokenizer.json (Hugging Face), a
// SentencePiece .model, or a folder holding either (tokenizer.json is preferred, as
// transformers' fast tokenizers do). The fingerprint (`hash`) covers everything that decides
// which ids a text gets, so count files record it and refuse to mix tokenizers (the paper's
// step 2 merges per-shard counts, which is only right when they share one vocabulary).

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  HfFolderError,
  type JsonValue,
  parseSentencePieceModel,
  readJsonFile,
  type SentencePieceModel,
  sentencePieceKind,
  type TokenizerKind,
  tokenizerJsonKind,
} from '@tinylm/hf-io';
import { TokenizerFormatError } from './errors';
import { MAX_JSON_DEPTH, showPath, tooDeepAt } from '@tinylm/errors';
import { type HfBpeTokenizer, parseHfTokenizerJson, SUPPORTED_TOKENIZERS } from './hf-tokenizer-json';

interface SourceCommon {
  /** The tokenizer file that was read. */
  path: string;
  /** `sha256:<hex>` over what decides the ids (see `tokenizerHash`). */
  hash: string;
  /** Number of ids (1 + the largest id). */
  vocabSize: number;
  /** tokenizer_config.json next to the file, when there is one. */
  config: Record<string, JsonValue> | null;
  /** special_tokens_map.json next to the file, when there is one. */
  specialTokensMap: Record<string, JsonValue> | null;
}

/** A tokenizer.json with a BPE model. */
export interface HfJsonSource extends SourceCommon {
  format: 'tokenizer.json';
  bpe: HfBpeTokenizer;
}

/** A SentencePiece model. */
export interface SentencePieceSource extends SourceCommon {
  format: 'sentencepiece';
  model: SentencePieceModel;
}

/** A tokenizer as read from disk, before any encoder is built. */
export type TokenizerSource = HfJsonSource | SentencePieceSource;

async function kindOf(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new TokenizerFormatError({ message: `${path}: cannot read (${(error as Error).message})`, file: path, cause: error });
  }
}

/** Resolves a folder to the tokenizer file inside it; a file path is returned as is. */
export async function resolveTokenizerPath(pathOrDir: string): Promise<string> {
  const kind = await kindOf(pathOrDir);
  if (kind === 'missing') {
    throw new TokenizerFormatError({ message: `${pathOrDir}: no such file or folder; ${SUPPORTED_TOKENIZERS}`, file: pathOrDir });
  }
  if (kind === 'file') return pathOrDir;
  for (const name of ['tokenizer.json', 'tokenizer.model']) {
    const candidate = join(pathOrDir, name);
    if ((await kindOf(candidate)) === 'file') return candidate;
  }
  throw new TokenizerFormatError({
    message: `${pathOrDir}: the folder holds neither tokenizer.json nor tokenizer.model; ${SUPPORTED_TOKENIZERS}`,
    file: pathOrDir,
  });
}

/**
 * tokenizer_config.json or special_tokens_map.json beside the tokenizer, or null. Refused when
 * it nests deeper than MAX_JSON_DEPTH: the special-token settings are walked recursively.
 */
async function optionalJson(path: string): Promise<Record<string, JsonValue> | null> {
  if ((await kindOf(path)) !== 'file') return null;
  const v = await readJsonFile(path);
  const deep = tooDeepAt(v);
  if (deep) {
    throw new TokenizerFormatError({
      message: `${path}: ${showPath(deep)} nests deeper than ${MAX_JSON_DEPTH} levels (a tokenizer config nests fewer than 10)`,
      file: path,
      field: showPath(deep),
    });
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

/**
 * Reads the tokenizer at `pathOrDir` (a tokenizer.json, a .model, or a folder with either).
 * The format is decided by content, not by name: JSON starts with `{`. Throws
 * `TokenizerFormatError` naming the file for anything unreadable, truncated or unsupported.
 */
export async function readTokenizerSource(pathOrDir: string): Promise<TokenizerSource> {
  const path = await resolveTokenizerPath(pathOrDir);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TokenizerFormatError({ message: `${path}: cannot read (${(error as Error).message})`, file: path, cause: error });
  }
  const dir = dirname(path);
  const config = await optionalJson(join(dir, 'tokenizer_config.json'));
  const specialTokensMap = await optionalJson(join(dir, 'special_tokens_map.json'));
  return tokenizerSourceFromBytes(bytes, path, config, specialTokensMap);
}

/**
 * Builds a tokenizer source from the bytes of a tokenizer.json or .model (`path` names it in
 * errors; `config` / `specialTokensMap` are the JSON files that go with it, if any). The format
 * is decided by content: JSON starts with `{`.
 */
export function tokenizerSourceFromBytes(
  bytes: Uint8Array,
  path: string,
  config: Record<string, JsonValue> | null = null,
  specialTokensMap: Record<string, JsonValue> | null = null,
): TokenizerSource {
  if (bytes.length === 0) {
    throw new TokenizerFormatError({ message: `${path}: the file is empty; ${SUPPORTED_TOKENIZERS}`, file: path });
  }
  let first = 0;
  while (first < bytes.length && (bytes[first] === 0x20 || bytes[first] === 0x0a || bytes[first] === 0x0d || bytes[first] === 0x09))
    first++;
  if (bytes[first] === 0x7b /* { */ || basename(path).endsWith('.json')) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      throw new TokenizerFormatError({
        message: `${path}: not valid JSON, the file may be truncated (${(error as Error).message}); ${SUPPORTED_TOKENIZERS}`,
        file: path,
        cause: error,
      });
    }
    const bpe = parseHfTokenizerJson(json, path);
    return { format: 'tokenizer.json', path, bpe, vocabSize: bpe.vocabSize, hash: hashHfBpe(bpe), config, specialTokensMap };
  }
  const model = parseModel(bytes, path);
  const type = model.trainerSpec.modelType;
  if (type !== 'unigram' && type !== 'bpe') {
    throw new TokenizerFormatError({
      message: `${path}: SentencePiece model type ${type.toUpperCase()} is not supported; ${SUPPORTED_TOKENIZERS}`,
      file: path,
      field: 'trainer_spec.model_type',
    });
  }
  return {
    format: 'sentencepiece',
    path,
    model,
    vocabSize: model.pieces.length,
    hash: hashSentencePiece(model),
    config,
    specialTokensMap,
  };
}

/** The kind of a tokenizer source (hf-io's one TokenizerKind; this package reads the four BPE / SentencePiece kinds). */
export function tokenizerKindOf(source: TokenizerSource): TokenizerKind {
  return source.format === 'tokenizer.json' ? tokenizerJsonKind(source.bpe.json) : sentencePieceKind(source.model);
}

/** hf-io's SentencePiece reader, its format errors reported as this package's TokenizerFormatError. */
function parseModel(bytes: Uint8Array, path: string): SentencePieceModel {
  try {
    return parseSentencePieceModel(bytes, path);
  } catch (error) {
    if (!HfFolderError.isInstance(error)) throw error;
    throw new TokenizerFormatError({ message: error.message, file: path, cause: error });
  }
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

function hashHfBpe(bpe: HfBpeTokenizer): string {
  const h = createHash('sha256');
  h.update('tinylm-tokenizer-hash/1 hf-bpe\n');
  const byId = [...bpe.vocab].sort((a, b) => a[1] - b[1]);
  h.update(JSON.stringify(byId));
  h.update('\n');
  h.update(JSON.stringify(bpe.merges));
  h.update('\n');
  const m = bpe.model;
  h.update(
    canonical({
      added: [...bpe.addedTokens].sort((a, b) => a.id - b.id),
      normalizer: bpe.json.normalizer ?? null,
      pre_tokenizer: bpe.json.pre_tokenizer ?? null,
      options: {
        byte_fallback: m.byte_fallback ?? false,
        ignore_merges: m.ignore_merges ?? false,
        unk_token: m.unk_token ?? null,
        fuse_unk: m.fuse_unk ?? false,
        dropout: m.dropout ?? null,
      },
    }),
  );
  return `sha256:${h.digest('hex')}`;
}

function hashSentencePiece(model: SentencePieceModel): string {
  const h = createHash('sha256');
  h.update('tinylm-tokenizer-hash/1 sentencepiece\n');
  h.update(JSON.stringify(model.pieces.map((p) => [p.piece, p.score, p.type])));
  h.update('\n');
  const spec = (n: SentencePieceModel['normalizerSpec'] | null) =>
    n && { ...n, precompiledCharsmap: Buffer.from(n.precompiledCharsmap).toString('base64') };
  const t = model.trainerSpec;
  h.update(
    canonical({
      model_type: t.modelType,
      byte_fallback: t.byteFallback,
      treat_whitespace_as_suffix: t.treatWhitespaceAsSuffix,
      unk_surface: t.unkSurface,
      normalizer: spec(model.normalizerSpec),
      denormalizer: spec(model.denormalizerSpec),
    }),
  );
  return `sha256:${h.digest('hex')}`;
}
