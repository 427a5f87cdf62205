// pruneTokenizer: the compact tokenizer of the paper (docs/method.md section 1). Reads the big
// tokenizer and a count file made with it, keeps specials + byte alphabet + the most frequent
// tokens with their BPE ancestors to exactly the requested size (select-vocab.ts), and writes,
// into a temporary sibling folder renamed into place at the end (hf-io's withTempDir, so a
// failure leaves nothing half-written):
//   tokenizer.json (tokenizer.json input) or tokenizer.model (SentencePiece input),
//   tokenizer_config.json (and special_tokens_map.json when the original has one),
//   vocab-map.json  { "<old id>": <new id> } over the kept tokens, monotone (read by param-inherit),
//   prune-report.json  coverage, tokens per byte before/after, embedding+head share before/after.

import { join } from 'node:path';
import {
  atomicWriteFile,
  type JsonValue,
  OutputExistsError,
  PieceType,
  pathExists,
  rewriteSentencePieceModel,
  withTempDir,
  writeJsonFile,
} from '@tinylm/hf-io';
import { assertSameTokenizer, countsToArray, readTokenCounts, type TokenCounts, validateTokenCounts } from './count-file';
import { addedTokensToDrop, type DropAddedTokens, tokenReferences, viewWithout } from './drop-added-tokens';
import { CorpusError } from './errors';
import { type HeldOutReport, measureHeldOut } from './held-out';
import { vocabParamShare, type ParamShare, type ParamShareModel } from './param-share';
import { idMap, hfVocabView, prunedTokenizerJson } from './prune-tokenizer-json';
import { sentencePieceVocabView } from './prune-sentencepiece';
import { selectVocabulary, type SelectionStats } from './select-vocab';
import { type Tokenizer, tokenizerFromSource } from './tokenizer';
import { defaultHfTokenizerConfig, defaultSentencePieceConfig, remapTokenizerConfig } from './tokenizer-config';
import { readTokenizerSource, type TokenizerSource, tokenizerSourceFromBytes } from './tokenizer-source';
import { parseOptions } from '@tinylm/errors';
import { pruneTokenizerOptions } from './options';

export type { DropAddedTokens } from './drop-added-tokens';
export type { HeldOutReport } from './held-out';

/** Options of `pruneTokenizer`. */
export interface PruneTokenizerOptions {
  /** The big tokenizer: tokenizer.json, SentencePiece .model, or a folder holding one. */
  tokenizer: string;
  /** A count file made with that tokenizer (path), or its contents. */
  counts: string | TokenCounts;
  /** Exact size of the new vocabulary (added tokens included). */
  vocabSize: number;
  /** Output folder; it must not exist unless `force`. */
  out: string;
  /** Replace `out` if it exists. Default false. */
  force?: boolean;
  /**
   * Held-out files for tokens per byte before and after, read as `countTokens` reads inputs:
   * a text file one line at a time, a `.jsonl` / `.ndjson` / `.json` file one record's text field at a time.
   */
  heldOut?: readonly string[];
  /** How to read `heldOut`: `text`, `jsonl`, or `auto` (default) by extension, as `countTokens`'s `format`. */
  heldOutFormat?: 'auto' | 'text' | 'jsonl';
  /** JSONL field with the held-out text. Default "text". */
  heldOutTextField?: string;
  /**
   * Drop added tokens that would otherwise always stay (e.g. Gemma-3's `<unusedN>` placeholders):
   * `'unused'` drops those never seen in the counts, a RegExp those whose content it matches
   * (`/^<unused\d+>$/`). Tokens the chat template, the post-processor, padding or the special-token
   * settings (bos / eos / pad / unk / additional specials in tokenizer_config.json and
   * special_tokens_map.json) name always stay. Dropped tokens are never kept, not even to fill.
   * Default: none dropped.
   */
  dropAddedTokens?: DropAddedTokens;
  /** The model whose embedding + head share the report gives, before and after. */
  model?: ParamShareModel;
  /** Apply the authors' `<...>` / `[...]` special-token rule. Default true. */
  authorsRule?: boolean;
  /** Told what is being done, for progress output. */
  onStep?: (step: string) => void;
}

/** The report written to prune-report.json. */
export interface PruneReport {
  tokenizer: { path: string; hash: string; vocabSize: number; kind: string };
  pruned: { hash: string; vocabSize: number; kind: string };
  counts: { file: string | null; total: number; documents: number; bytes: number };
  /** Share of the counted tokens whose id is kept, in percent (the paper's coverage). */
  coveragePercent: number;
  /** How the kept tokens were chosen, and how many slots the keep-ancestors rule moved. */
  selection: SelectionStats;
  /** BPE merges before and after (null for Unigram). */
  merges: { before: number; after: number } | null;
  /** The BPE consistency rule used. */
  consistency: 'keep-ancestors';
  /** Notes on what changed besides the vocabulary. */
  notes: string[];
  /** The added tokens `dropAddedTokens` dropped, in id order (empty without it). */
  droppedAddedTokens: string[];
  heldOut: HeldOutReport | null;
  params: { model: ParamShareModel; before: ParamShare; after: ParamShare } | null;
}

/** What `pruneTokenizer` returns. */
export interface PruneResult {
  /** The output folder. */
  out: string;
  /** Files written, relative to `out`. */
  files: string[];
  report: PruneReport;
  /** Old id -> new id over the kept tokens. */
  vocabMap: Record<string, number>;
}

function kindOf(source: TokenizerSource): string {
  if (source.format === 'tokenizer.json') return source.bpe.kind === 'byte-level' ? 'bpe-byte-level' : 'bpe-byte-fallback';
  return source.model.trainerSpec.modelType === 'bpe' ? 'sentencepiece-bpe' : 'sentencepiece-unigram';
}

/**
 * Prunes `options.tokenizer` to exactly `options.vocabSize` tokens using `options.counts`, and
 * writes the result folder atomically. Throws `VocabSizeError` (the message gives the minimum),
 * `TokenizerMismatchError` (counts from another tokenizer), `CountFileError` / `TokenizerFormatError`
 * (unreadable, truncated or unsupported files), `CorpusError` (counts of an empty corpus), and
 * hf-io's `OutputExistsError` when `out` exists without `force`. Nothing is left in `out` on failure.
 */
export async function pruneTokenizer(options: PruneTokenizerOptions): Promise<PruneResult> {
  options = parseOptions(pruneTokenizerOptions, options, 'pruneTokenizer');
  const step = options.onStep ?? (() => undefined);
  if (!options.force && (await pathExists(options.out))) {
    throw new OutputExistsError({ message: `${options.out} already exists; pass force: true to replace it`, file: options.out });
  }
  step(`reading ${options.tokenizer}`);
  const source = await readTokenizerSource(options.tokenizer);
  const countsFile = typeof options.counts === 'string' ? options.counts : null;
  const counts = countsFile ? await readTokenCounts(countsFile) : validateTokenCounts(options.counts, '<counts>');
  assertSameTokenizer(counts, source.hash, countsFile ?? '<counts>', source.path, source.vocabSize);
  if (counts.total === 0) {
    throw new CorpusError({
      message: `${countsFile ?? '<counts>'}: no tokens were counted (an empty corpus)`,
      file: countsFile ?? undefined,
    });
  }
  step('selecting the vocabulary');
  const fullView =
    source.format === 'tokenizer.json'
      ? hfVocabView(source.bpe, { authorsRule: options.authorsRule })
      : sentencePieceVocabView(source.model, { authorsRule: options.authorsRule });
  const dense = countsToArray(counts);
  let original: Tokenizer | undefined;
  const originalTokenizer = () => (original ??= tokenizerFromSource(source));
  const dropped = options.dropAddedTokens
    ? addedTokensToDrop(fullView, dense, options.dropAddedTokens, await tokenReferences(source, originalTokenizer()))
    : [];
  const view = viewWithout(fullView, dropped);
  const selection = selectVocabulary(view, dense, options.vocabSize);
  const map = idMap(selection.keep);
  let kept = 0;
  for (const old of selection.keep) kept += dense[old];

  step('building the pruned tokenizer');
  const files: Record<string, string | Uint8Array> = {};
  const jsonFiles: Record<string, unknown> = {};
  const notes: string[] = [];
  if (options.dropAddedTokens) {
    notes.push(
      `dropAddedTokens ${String(options.dropAddedTokens)} dropped ${dropped.length} added tokens; those the chat template, post-processor or special-token settings name were kept`,
    );
  }
  let merges: PruneReport['merges'] = null;
  let prunedSource: TokenizerSource;
  let config: Record<string, JsonValue>;
  if (source.format === 'tokenizer.json') {
    const out = prunedTokenizerJson(source.bpe, selection.keep);
    merges = { before: out.mergesBefore, after: out.mergesAfter };
    files['tokenizer.json'] = out.text;
    config = source.config ? remapTokenizerConfig(source.config, map) : defaultHfTokenizerConfig(source.bpe, map);
    prunedSource = tokenizerSourceFromBytes(
      new TextEncoder().encode(out.text),
      join(options.out, 'tokenizer.json'),
      config,
      source.specialTokensMap,
    );
  } else {
    const bytes = rewriteSentencePieceModel(source.model, { keep: selection.keep });
    files['tokenizer.model'] = bytes;
    if (source.model.hasSelfTestData) notes.push('self_test_data was dropped: its expected segmentations belong to the old vocabulary');
    notes.push('TrainerSpec vocab_size and unk/bos/eos/pad ids were updated to the new vocabulary');
    if (source.model.trainerSpec.modelType === 'bpe') {
      // SentencePiece BPE has no merge list: each multi-character NORMAL piece is one merge result.
      const isMerge = (p: { piece: string; type: number }) => p.type === PieceType.NORMAL && Array.from(p.piece).length > 1;
      const pieces = source.model.pieces;
      merges = { before: pieces.filter(isMerge).length, after: selection.keep.filter((id) => isMerge(pieces[id])).length };
    }
    config = source.config ? remapTokenizerConfig(source.config, map) : defaultSentencePieceConfig(source.model, map);
    prunedSource = tokenizerSourceFromBytes(bytes, join(options.out, 'tokenizer.model'), config, source.specialTokensMap);
  }
  jsonFiles['tokenizer_config.json'] = config;
  if (source.specialTokensMap) jsonFiles['special_tokens_map.json'] = source.specialTokensMap;
  const vocabMap: Record<string, number> = {};
  for (const [old, id] of map) vocabMap[String(old)] = id;

  let heldOut: HeldOutReport | null = null;
  if (options.heldOut && options.heldOut.length > 0) {
    step('measuring tokens per byte on held-out text');
    heldOut = await measureHeldOut(options.heldOut, originalTokenizer(), tokenizerFromSource(prunedSource), {
      format: options.heldOutFormat,
      textField: options.heldOutTextField,
    });
  }
  const params = options.model
    ? {
        model: options.model,
        before: vocabParamShare(source.vocabSize, options.model),
        after: vocabParamShare(selection.keep.length, options.model),
      }
    : null;
  const report: PruneReport = {
    tokenizer: { path: source.path, hash: source.hash, vocabSize: source.vocabSize, kind: kindOf(source) },
    pruned: { hash: prunedSource.hash, vocabSize: prunedSource.vocabSize, kind: kindOf(prunedSource) },
    counts: { file: countsFile, total: counts.total, documents: counts.documents, bytes: counts.bytes },
    coveragePercent: (100 * kept) / counts.total,
    selection: selection.stats,
    merges,
    consistency: 'keep-ancestors',
    notes,
    droppedAddedTokens: dropped.map((id) => fullView.token(id)),
    heldOut,
    params,
  };

  step(`writing ${options.out}`);
  await withTempDir(
    options.out,
    async (dir) => {
      for (const [name, data] of Object.entries(files)) await atomicWriteFile(join(dir, name), data);
      // transformers writes these with sorted keys (save_pretrained: json.dumps(sort_keys=True)).
      for (const [name, value] of Object.entries(jsonFiles)) await writeJsonFile(join(dir, name), value, { sortKeys: true });
      await writeJsonFile(join(dir, 'vocab-map.json'), vocabMap);
      await writeJsonFile(join(dir, 'prune-report.json'), report);
    },
    { force: options.force },
  );
  return {
    out: options.out,
    files: [...Object.keys(files), ...Object.keys(jsonFiles), 'vocab-map.json', 'prune-report.json'],
    report,
    vocabMap,
  };
}
