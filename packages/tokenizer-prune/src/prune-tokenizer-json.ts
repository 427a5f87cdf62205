// Pruning a Hugging Face BPE tokenizer.json: what must stay (added tokens, the byte alphabet or
// <0xNN> pieces, <unk>, the metaspace "▁", the authors' `<...>` / `[...]` rule), each token's
// merge tree (merge-trees.ts), and the rewritten file. The new file keeps the original's
// pipeline (normalizer, pre-tokenizer, decoder, ...) and options untouched; it changes the
// vocabulary (renumbered in old-id order, a monotone map), the merges (only those whose two parts
// and result are kept, in their old order, so ranks keep their relative order), the added
// tokens' ids, and the ids a post-processor or padding config refers to. Vocabulary and merges
// are written in id / rank order, as the tokenizers library writes them.

import { randomBytes } from 'node:crypto';
import { BYTE_LEVEL_ALPHABET } from './byte-level';
import type { HfBpeTokenizer } from './hf-tokenizer-json';
import { HfMergeTrees } from './merge-trees';
import { bytePieceName } from '@tinylm/hf-io';
import { isAuthorsSpecial, type MandatoryReason, treeIds, type VocabView } from './select-vocab';

/** Options of `hfVocabView`. */
export interface HfViewOptions {
  /** Apply the authors' rule (`<...>` / `[...]` longer than 2 characters are special). Default true. */
  authorsRule?: boolean;
}

/** The selection view of a BPE tokenizer.json. */
export function hfVocabView(bpe: HfBpeTokenizer, options: HfViewOptions = {}): VocabView {
  const mandatory = new Map<number, MandatoryReason>();
  for (const t of bpe.addedTokens) mandatory.set(t.id, 'added');
  const need = (token: string, why: MandatoryReason) => {
    const id = bpe.vocab.get(token);
    if (id !== undefined && !mandatory.has(id)) mandatory.set(id, why);
  };
  if (bpe.kind === 'byte-level') for (const c of BYTE_LEVEL_ALPHABET) need(c, 'alphabet');
  else {
    for (let b = 0; b < 256; b++) need(bytePieceName(b), 'byte');
    // The decoder turns "▁" back into a space only when it is a token; as bytes it would stay "▁".
    need('\u2581', 'metaspace');
  }
  if (bpe.unkToken) need(bpe.unkToken, 'unknown');
  if (options.authorsRule !== false) {
    for (const [token] of bpe.vocab) if (isAuthorsSpecial(token)) need(token, 'authors-rule');
  }
  const trees = new HfMergeTrees(bpe.vocab, bpe.merges, bpe.ignoreMerges);
  const addedIds = new Set(bpe.addedTokens.map((t) => t.id));
  const modelToken = new Map<number, string>();
  for (const [t, id] of bpe.vocab) modelToken.set(id, t);
  return {
    size: bpe.vocabSize,
    exists: (id) => bpe.idToToken[id] !== undefined,
    token: (id) => bpe.idToToken[id] ?? '',
    mandatory,
    closure(id) {
      const token = modelToken.get(id);
      if (addedIds.has(id) || token === undefined) return [id];
      const why = mandatory.get(id);
      if (why === 'alphabet' || why === 'byte' || why === 'unknown') return [id];
      return treeIds(trees.tree(token), (t) => bpe.vocab.get(t));
    },
  };
}

/** Old id -> new id for the kept ids (ascending `keep`). */
export function idMap(keep: readonly number[]): Map<number, number> {
  return new Map(keep.map((old, i) => [old, i]));
}

/** Rewrites the ids a post-processor refers to (TemplateProcessing, Roberta/Bert, Sequence). */
function remapPostProcessor(pp: unknown, map: Map<number, number>): unknown {
  if (pp === null || typeof pp !== 'object' || Array.isArray(pp)) return pp;
  const out: Record<string, unknown> = { ...(pp as Record<string, unknown>) };
  const mapId = (id: unknown) => (typeof id === 'number' ? (map.get(id) ?? id) : id);
  if (out.special_tokens && typeof out.special_tokens === 'object') {
    const specials: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(out.special_tokens as Record<string, unknown>)) {
      const entry = { ...(v as Record<string, unknown>) };
      if (Array.isArray(entry.ids)) entry.ids = entry.ids.map(mapId);
      specials[k] = entry;
    }
    out.special_tokens = specials;
  }
  for (const key of ['sep', 'cls']) {
    const pair = out[key];
    if (Array.isArray(pair) && pair.length === 2) out[key] = [pair[0], mapId(pair[1])];
  }
  if (Array.isArray(out.processors)) out.processors = out.processors.map((p) => remapPostProcessor(p, map));
  return out;
}

/** What `prunedTokenizerJson` produced. */
export interface PrunedTokenizerJson {
  /** The file contents. */
  text: string;
  mergesBefore: number;
  mergesAfter: number;
}

/**
 * The pruned tokenizer.json for kept old ids `keep` (ascending). Merges survive only when their
 * two parts and their result are kept.
 */
export function prunedTokenizerJson(bpe: HfBpeTokenizer, keep: readonly number[]): PrunedTokenizerJson {
  const map = idMap(keep);
  const vocab: [string, number][] = [];
  for (const [token, old] of bpe.vocab) {
    const id = map.get(old);
    if (id !== undefined) vocab.push([token, id]);
  }
  vocab.sort((a, b) => a[1] - b[1]);
  const keptToken = (t: string) => {
    const old = bpe.vocab.get(t);
    return old !== undefined && map.has(old);
  };
  const merges = bpe.merges.filter(([a, b]) => keptToken(a) && keptToken(b) && keptToken(a + b));
  const json: Record<string, unknown> = { ...bpe.json };
  const nonce = randomBytes(8).toString('hex');
  const vocabMark = `__tinylm_vocab_${nonce}__`;
  const mergesMark = `__tinylm_merges_${nonce}__`;
  json.model = { ...bpe.model, vocab: vocabMark, merges: mergesMark };
  json.added_tokens = bpe.addedTokens.filter((t) => map.has(t.id)).map((t) => ({ ...t, id: map.get(t.id)! }));
  if ('post_processor' in json) json.post_processor = remapPostProcessor(json.post_processor, map);
  const padding = json.padding as Record<string, unknown> | null | undefined;
  if (padding && typeof padding === 'object' && typeof padding.pad_id === 'number') {
    json.padding = { ...padding, pad_id: map.get(padding.pad_id) ?? padding.pad_id };
  }
  const inner = ' '.repeat(6);
  const vocabText = `{\n${vocab.map(([t, id]) => `${inner}${JSON.stringify(t)}: ${id}`).join(',\n')}\n    }`;
  const mergeItems = merges.map(([a, b]) => (bpe.mergesAsStrings ? JSON.stringify(`${a} ${b}`) : JSON.stringify([a, b])));
  const mergesText = merges.length === 0 ? '[]' : `[\n${mergeItems.map((m) => inner + m).join(',\n')}\n    ]`;
  const text = `${JSON.stringify(json, null, 2)
    .replace(JSON.stringify(vocabMark), () => vocabText)
    .replace(JSON.stringify(mergesMark), () => mergesText)}\n`;
  return { text, mergesBefore: bpe.merges.length, mergesAfter: merges.length };
}
