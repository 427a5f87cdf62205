// A model's tokenizer as Hugging Face keeps it (tokenizer.json, tokenizer_config.json,
// special_tokens_map.json, and tokenizer.model for SentencePiece): its size (how many ids it can
// produce), its special-token ids, and what kind of tokenizer it is. Used to check a tokenizer
// against a model's embedding, to fill config.json's bos/eos/pad ids, and to write GGUF metadata.
// File roles and special-token fields follow transformers' tokenization_utils_base.py
// (`bos_token`, `eos_token`, `unk_token`, `pad_token` as strings or AddedToken dicts) and the
// tokenizers library's tokenizer.json (`model.vocab`, `added_tokens[].id/content`).

import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  isFile,
  parseSentencePieceModel,
  type SentencePieceModel,
  sentencePieceKind,
  TOKENIZER_FILES,
  type TokenizerKind,
  tokenizerJsonKind,
} from '@tinylm/hf-io';
import { SourceCheckpointError } from './errors';

/** What kind of tokenizer it is: hf-io's one TokenizerKind (SentencePiece BPE / Unigram, tokenizer.json byte-level or byte-fallback BPE, Unigram, other). */
export type { TokenizerKind };

/** The ids of the special tokens a tokenizer declares (undefined when it declares none). */
export interface SpecialTokenIds {
  bos?: number;
  eos?: number;
  unk?: number;
  pad?: number;
}

/** A tokenizer read by `readTokenizer`. */
export interface TokenizerInfo {
  /** The folder the files are in. */
  readonly dir: string;
  /** The tokenizer files, by their name in a model folder. */
  readonly files: readonly string[];
  /** Where each file is read from: name in a model folder -> path. */
  readonly sources: Readonly<Record<string, string>>;
  readonly tokenizerJson?: Record<string, unknown>;
  readonly tokenizerConfig?: Record<string, unknown>;
  readonly specialTokensMap?: Record<string, unknown>;
  /** The parsed tokenizer.model, for SentencePiece tokenizers. */
  readonly sentencePiece?: SentencePieceModel;
  /** Path of tokenizer.model, if present. */
  readonly sentencePiecePath?: string;
  readonly kind: TokenizerKind;
  /** Number of ids the tokenizer can produce: largest id + 1 (vocabulary and added tokens). */
  readonly size: number;
  readonly special: SpecialTokenIds;
  /** Whether the tokenizer adds BOS / EOS to each encoded text (tokenizer_config.json, else the post-processor). */
  readonly addBos?: boolean;
  readonly addEos?: boolean;
  /** id -> token string, for every id in 0..size-1 that has one. */
  tokenAt(id: number): string | undefined;
  /** token string -> id. */
  idOf(token: string): number | undefined;
}

/** The files of a Hugging Face tokenizer, in the order they are copied (hf-io's list). */
export const TOKENIZER_FILE_NAMES: readonly string[] = TOKENIZER_FILES;

async function readJson(path: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SourceCheckpointError({ message: `${path}: cannot read as JSON (${(error as Error).message})`, file: path, cause: error });
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SourceCheckpointError({ message: `${path}: expected a JSON object`, file: path });
  }
  return value as Record<string, unknown>;
}

/** True when `dir` holds at least one tokenizer file. */
export async function hasTokenizer(dir: string): Promise<boolean> {
  for (const name of ['tokenizer.json', 'tokenizer.model']) if (await isFile(join(dir, name))) return true;
  return false;
}

/** The text of a special token field: a string, or an AddedToken dict's `content`. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

/**
 * Reads a tokenizer from a folder, or from one file: a `tokenizer.json` or `tokenizer.model`
 * (whose companion files beside it are read too), or any other `*.model` (a SentencePiece model,
 * as InternEvo's convert2hf takes it) or `*.json` (a tokenizer.json), read alone. Throws `SourceCheckpointError` when there is no tokenizer.json
 * and no tokenizer.model, when a file does not parse, when tokenizer.json and tokenizer.model
 * disagree on the vocabulary, or when a special token names no token.
 */
export async function readTokenizer(path: string): Promise<TokenizerInfo> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    throw new SourceCheckpointError({ message: `${path}: tokenizer not found (${(error as Error).message})`, file: path, cause: error });
  }
  const dir = isDir ? path : dirname(path);
  // name in the model folder -> path it is read (and copied) from
  const sources: Record<string, string> = {};
  if (isDir) {
    for (const name of TOKENIZER_FILE_NAMES) if (await isFile(join(dir, name))) sources[name] = join(dir, name);
  } else {
    const name = basename(path);
    if (name === 'tokenizer.json' || name === 'tokenizer.model') {
      // a canonical file: its companions beside it belong to it
      for (const other of TOKENIZER_FILE_NAMES) if (await isFile(join(dir, other))) sources[other] = join(dir, other);
    } else if (name.endsWith('.model')) sources['tokenizer.model'] = path;
    else if (name.endsWith('.json')) sources['tokenizer.json'] = path;
    else {
      throw new SourceCheckpointError({
        message: `${path}: a tokenizer file must be a tokenizer.json or a SentencePiece .model (or give the folder)`,
        file: path,
      });
    }
  }
  const files = Object.keys(sources);
  if (!files.includes('tokenizer.json') && !files.includes('tokenizer.model')) {
    throw new SourceCheckpointError({ message: `${dir}: no tokenizer.json or tokenizer.model`, file: dir });
  }
  const tokenizerJson = sources['tokenizer.json'] ? await readJson(sources['tokenizer.json']) : undefined;
  const tokenizerConfig = sources['tokenizer_config.json'] ? await readJson(sources['tokenizer_config.json']) : undefined;
  const specialTokensMap = sources['special_tokens_map.json'] ? await readJson(sources['special_tokens_map.json']) : undefined;
  const spPath = sources['tokenizer.model'];
  const sentencePiece = spPath ? parseSentencePieceModel(new Uint8Array(await readFile(spPath)), spPath) : undefined;

  // id <-> token tables
  const byId = new Map<number, string>();
  const byToken = new Map<string, number>();
  const add = (id: number, token: string) => {
    byId.set(id, token);
    if (!byToken.has(token)) byToken.set(token, id);
  };
  let kind: TokenizerKind = 'other';
  const jsonPath = sources['tokenizer.json'] ?? join(dir, 'tokenizer.json');
  if (tokenizerJson) {
    const model = tokenizerJson.model as Record<string, unknown> | undefined;
    if (!model || typeof model !== 'object') {
      throw new SourceCheckpointError({ message: `${jsonPath}: no "model" object`, file: jsonPath, field: 'model' });
    }
    const vocab = model.vocab;
    if (model.type === 'Unigram' && Array.isArray(vocab)) {
      vocab.forEach((entry, id) => add(id, String((entry as unknown[])[0])));
    } else if (vocab && typeof vocab === 'object' && !Array.isArray(vocab)) {
      for (const [token, id] of Object.entries(vocab as Record<string, unknown>)) {
        if (!Number.isInteger(id) || (id as number) < 0) {
          throw new SourceCheckpointError({
            message: `${jsonPath}: model.vocab[${JSON.stringify(token)}] = ${String(id)} is not an id`,
            file: jsonPath,
            field: 'model.vocab',
          });
        }
        add(id as number, token);
      }
    } else {
      throw new SourceCheckpointError({
        message: `${jsonPath}: model.vocab is missing or not a vocabulary`,
        file: jsonPath,
        field: 'model.vocab',
      });
    }
    kind = tokenizerJsonKind(tokenizerJson);
    const added = Array.isArray(tokenizerJson.added_tokens) ? (tokenizerJson.added_tokens as Record<string, unknown>[]) : [];
    for (const t of added) {
      if (!Number.isInteger(t.id) || typeof t.content !== 'string') {
        throw new SourceCheckpointError({
          message: `${jsonPath}: an added_tokens entry lacks an integer id or a string content`,
          file: jsonPath,
          field: 'added_tokens',
        });
      }
      byId.set(t.id as number, t.content);
      byToken.set(t.content, t.id as number);
    }
  }
  if (sentencePiece) {
    if (tokenizerJson) {
      // the two must describe the same pieces
      for (let id = 0; id < sentencePiece.pieces.length; id++) {
        const fromJson = byId.get(id);
        if (fromJson !== undefined && fromJson !== sentencePiece.pieces[id].piece) {
          throw new SourceCheckpointError({
            message: `${dir}: tokenizer.json and tokenizer.model disagree on id ${id} (${JSON.stringify(fromJson)} vs ${JSON.stringify(sentencePiece.pieces[id].piece)})`,
            file: dir,
          });
        }
      }
    } else {
      sentencePiece.pieces.forEach((p, id) => add(id, p.piece));
    }
    kind = sentencePieceKind(sentencePiece);
  }
  let size = 0;
  for (const id of byId.keys()) size = Math.max(size, id + 1);

  // special tokens: tokenizer_config.json, else special_tokens_map.json, else SentencePiece's ids
  const special: SpecialTokenIds = {};
  for (const [field, key] of [
    ['bos', 'bos_token'],
    ['eos', 'eos_token'],
    ['unk', 'unk_token'],
    ['pad', 'pad_token'],
  ] as const) {
    const source =
      tokenizerConfig && key in tokenizerConfig
        ? tokenizerConfig
        : specialTokensMap && key in specialTokensMap
          ? specialTokensMap
          : undefined;
    if (source) {
      const text = tokenText(source[key]);
      if (text === undefined) continue; // null: the tokenizer has none
      const id = byToken.get(text);
      if (id === undefined) {
        const file = sources[source === tokenizerConfig ? 'tokenizer_config.json' : 'special_tokens_map.json'];
        throw new SourceCheckpointError({
          message: `${file}: ${key} ${JSON.stringify(text)} is not a token of the tokenizer`,
          file,
          field: key,
        });
      }
      special[field] = id;
    } else if (sentencePiece) {
      const spec = sentencePiece.trainerSpec;
      const id = { bos: spec.bosId, eos: spec.eosId, unk: spec.unkId, pad: spec.padId }[field];
      if (id >= 0 && id < size) special[field] = id;
    }
  }
  let addBos = typeof tokenizerConfig?.add_bos_token === 'boolean' ? (tokenizerConfig.add_bos_token as boolean) : undefined;
  let addEos = typeof tokenizerConfig?.add_eos_token === 'boolean' ? (tokenizerConfig.add_eos_token as boolean) : undefined;
  if (addBos === undefined && tokenizerJson) addBos = postProcessorAdds(tokenizerJson, special.bos, byId);
  if (addEos === undefined && tokenizerJson) addEos = postProcessorAdds(tokenizerJson, special.eos, byId, true);
  if (addBos === undefined && sentencePiece && !tokenizerJson) addBos = true; // LlamaTokenizer's default
  return {
    dir,
    files,
    sources,
    tokenizerJson,
    tokenizerConfig,
    specialTokensMap,
    sentencePiece,
    sentencePiecePath: spPath,
    kind,
    size,
    special,
    addBos,
    addEos,
    tokenAt: (id) => byId.get(id),
    idOf: (token) => byToken.get(token),
  };
}

/** Whether a TemplateProcessing post-processor puts the given special token at the start (or end) of a single text. */
function postProcessorAdds(
  json: Record<string, unknown>,
  id: number | undefined,
  byId: Map<number, string>,
  atEnd = false,
): boolean | undefined {
  const pp = json.post_processor as Record<string, unknown> | null | undefined;
  if (!pp || typeof pp !== 'object') return undefined;
  const templates =
    pp.type === 'TemplateProcessing'
      ? [pp]
      : Array.isArray(pp.processors)
        ? (pp.processors as Record<string, unknown>[]).filter((p) => p.type === 'TemplateProcessing')
        : [];
  if (templates.length === 0) return undefined;
  const single = templates[0].single as Record<string, { id?: string }>[] | undefined;
  if (!Array.isArray(single) || single.length === 0 || id === undefined) return false;
  const item = atEnd ? single[single.length - 1] : single[0];
  return item.SpecialToken?.id !== undefined && item.SpecialToken.id === byId.get(id);
}
