// Dropping added tokens that pruning would otherwise keep whatever the counts (pruneTokenizer's
// `dropAddedTokens`): placeholders such as Gemma-3's 6,400+ `<unusedN>`, which set a floor of
// 6,710 tokens under its pruned size. Added tokens (tokenizer.json `added_tokens`; SentencePiece
// control and user-defined pieces) are dropped by a rule, `'unused'` (never seen in the counts)
// or a pattern, except those something else needs: the chat template (tokenizer_config.json
// `chat_template`, or chat_template.jinja beside the tokenizer), the post-processor and padding
// of tokenizer.json, model.unk_token, the `*_token` / `*_tokens` settings of tokenizer_config.json
// and special_tokens_map.json (bos, eos, pad, unk, additional specials, ...), SentencePiece's
// unk/bos/eos/pad ids, and the bos/eos/pad/unk ids loadTokenizer settles on. A dropped token is out of the vocabulary altogether: never kept by
// frequency or to fill, and a token that is built from it by BPE merges becomes unreachable.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JsonValue } from '@tinylm/hf-io';
import type { MandatoryReason, VocabView } from './select-vocab';
import type { Tokenizer } from './tokenizer';
import type { TokenizerSource } from './tokenizer-source';

/**
 * Which added tokens pruning may drop: `'unused'`, those with a zero count; or a pattern, those
 * whose content it matches (anchor it, `/^<unused\d+>$/`, to match whole tokens). Either way a
 * token that the chat template, post-processor or special-token settings name is kept.
 */
export type DropAddedTokens = 'unused' | RegExp;

/** The reasons that mark a token as one of the tokenizer's added tokens. */
const ADDED_REASONS: ReadonlySet<MandatoryReason> = new Set<MandatoryReason>(['added', 'control', 'user-defined']);

/** What the tokenizer's other files say must stay: token contents, ids, and chat templates. */
export interface TokenReferences {
  contents: Set<string>;
  ids: Set<number>;
  /** Chat template texts: a token whose content occurs in one is needed. */
  templates: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Adds every token name in a special-token setting: a string, `{ content }`, or lists / maps of them. */
function addTokenNames(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) addTokenNames(v, into);
  else if (isRecord(value)) {
    if (typeof value.content === 'string') into.add(value.content);
    else for (const v of Object.values(value)) addTokenNames(v, into);
  }
}

/** Every string of a post-processor config, and the ids of its `ids` lists and `sep` / `cls` pairs. */
function addPostProcessorRefs(pp: unknown, refs: TokenReferences): void {
  if (typeof pp === 'string') refs.contents.add(pp);
  else if (Array.isArray(pp)) for (const v of pp) addPostProcessorRefs(v, refs);
  else if (isRecord(pp)) {
    for (const [key, v] of Object.entries(pp)) {
      refs.contents.add(key);
      if (key === 'ids' && Array.isArray(v)) for (const id of v) if (typeof id === 'number') refs.ids.add(id);
      if ((key === 'sep' || key === 'cls') && Array.isArray(v) && typeof v[1] === 'number') refs.ids.add(v[1]);
      addPostProcessorRefs(v, refs);
    }
  }
}

/** The chat templates of tokenizer_config.json: a string, or a list of `{ name, template }`. */
function configTemplates(config: Record<string, JsonValue> | null): string[] {
  const value = config?.chat_template;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((t) => (isRecord(t) && typeof t.template === 'string' ? [t.template] : []));
  return [];
}

/**
 * Collects what `source` and the files beside it reference: special-token settings, the
 * post-processor, padding and unk token of tokenizer.json, SentencePiece's special ids, the
 * bos / eos / pad / unk ids of `runtime` (the source loaded as `loadTokenizer` does), and the chat templates (tokenizer_config.json's and chat_template.jinja's).
 */
export async function tokenReferences(source: TokenizerSource, runtime: Tokenizer): Promise<TokenReferences> {
  const refs: TokenReferences = { contents: new Set(), ids: new Set(), templates: configTemplates(source.config) };
  // The special ids the runtime tokenizer settles on (named in the configs, or its fallbacks such as <bos>).
  for (const id of [runtime.bosId, runtime.eosId, runtime.padId, runtime.unkId]) if (id !== null) refs.ids.add(id);
  for (const [key, value] of Object.entries(source.config ?? {})) {
    if (/_tokens?$/.test(key)) addTokenNames(value, refs.contents);
  }
  for (const value of Object.values(source.specialTokensMap ?? {})) addTokenNames(value, refs.contents);
  try {
    refs.templates.push(await readFile(join(dirname(source.path), 'chat_template.jinja'), 'utf8'));
  } catch {
    // No chat_template.jinja beside the tokenizer.
  }
  if (source.format === 'tokenizer.json') {
    const { json, unkToken } = source.bpe;
    addPostProcessorRefs(json.post_processor, refs);
    const padding = json.padding;
    if (isRecord(padding)) {
      if (typeof padding.pad_token === 'string') refs.contents.add(padding.pad_token);
      if (typeof padding.pad_id === 'number') refs.ids.add(padding.pad_id);
    }
    if (unkToken) refs.contents.add(unkToken);
  } else {
    const spec = source.model.trainerSpec;
    for (const id of [spec.unkId, spec.bosId, spec.eosId, spec.padId]) if (id >= 0) refs.ids.add(id);
  }
  return refs;
}

/** Whether token `id` with text `content` is referenced. */
function isReferenced(refs: TokenReferences, id: number, content: string): boolean {
  return refs.ids.has(id) || refs.contents.has(content) || refs.templates.some((t) => t.includes(content));
}

/**
 * The added tokens of `view` that `rule` drops, ascending: those `rule` selects (a zero count
 * in `counts`, or a content `rule` matches) that `refs` do not reference.
 */
export function addedTokensToDrop(view: VocabView, counts: ArrayLike<number>, rule: DropAddedTokens, refs: TokenReferences): number[] {
  const pattern = rule === 'unused' ? null : new RegExp(rule.source, rule.flags.replace(/[gy]/g, ''));
  const dropped: number[] = [];
  for (const [id, why] of view.mandatory) {
    if (!ADDED_REASONS.has(why)) continue;
    const content = view.token(id);
    const selected = pattern ? pattern.test(content) : !(counts[id] > 0);
    if (selected && !isReferenced(refs, id, content)) dropped.push(id);
  }
  return dropped.sort((a, b) => a - b);
}

/**
 * `view` without the ids `dropped`: they are no longer mandatory, do not exist for the
 * selection, and a token whose merge tree needs one of them is unreachable.
 */
export function viewWithout(view: VocabView, dropped: readonly number[]): VocabView {
  if (dropped.length === 0) return view;
  const gone = new Set(dropped);
  const mandatory = new Map([...view.mandatory].filter(([id]) => !gone.has(id)));
  return {
    size: view.size,
    exists: (id) => !gone.has(id) && view.exists(id),
    token: (id) => view.token(id),
    mandatory,
    closure(id) {
      const ids = view.closure(id);
      return ids?.some((x) => gone.has(x)) ? null : ids;
    },
  };
}
