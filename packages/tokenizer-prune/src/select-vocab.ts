// Choosing the compact vocabulary (docs/method.md section 1): first what must stay (the tokenizer's
// special / added tokens, the authors' rule — `<...>` or `[...]` longer than 2 characters —, the
// byte alphabet or <0xNN> byte pieces that keep every text encodable, <unk> and the metaspace),
// then the most frequent tokens, to exactly the requested size.
// BPE consistency, decided here as "keep ancestors": a token is kept together with every token of
// its merge tree (merge-trees.ts), and only when all of them fit; the slots its ancestors take
// are slots the plain frequency order would have given to other tokens, and the report says how
// many. Tokens BPE cannot produce from their characters even in the original are never kept
// (unless required as specials of the added-token kind), since no text would ever reach them.

import { VocabSizeError } from './errors';
import type { MergeTree } from './merge-trees';

/** Why a token must stay regardless of counts. */
export type MandatoryReason = 'added' | 'control' | 'unknown' | 'user-defined' | 'byte' | 'alphabet' | 'metaspace' | 'authors-rule';

/** The model-specific facts the selection needs. */
export interface VocabView {
  /** Number of ids (some may be holes). */
  size: number;
  /** Whether `id` is a token. */
  exists(id: number): boolean;
  /** The token string of `id` (for the authors' rule and messages). */
  token(id: number): string;
  /** Tokens that must stay, with the reason. `authors-rule` ones are kept only when reachable. */
  mandatory: ReadonlyMap<number, MandatoryReason>;
  /** The ids `id` needs to stay reachable (itself included), or null when it is unreachable. */
  closure(id: number): readonly number[] | null;
}

/** The authors' test for special tokens: `<...>` or `[...]`, longer than 2 characters. */
export function isAuthorsSpecial(token: string): boolean {
  return token.length > 2 && ((token.startsWith('<') && token.endsWith('>')) || (token.startsWith('[') && token.endsWith(']')));
}

/** How the kept tokens were chosen. */
export interface SelectionStats {
  /** Tokens that had to stay, by reason (after dropping unreachable authors'-rule tokens). */
  mandatory: Partial<Record<MandatoryReason, number>>;
  /** The smallest size that can be asked for. */
  minimum: number;
  /** Kept for their own count. */
  byFrequency: number;
  /** Kept only because a kept token is built from them (ancestors of a mandatory or frequent token). */
  ancestors: number;
  /** Kept with a zero count, to reach the size when the corpus used fewer tokens. */
  fill: number;
  /**
   * Tokens a plain frequency cut (specials, then the top counts) would keep that are not kept:
   * the slots the keep-ancestors rule moved to ancestors.
   */
  displacedByAncestors: number;
  /** Frequent tokens skipped because their missing ancestors did not fit in the slots left. */
  skippedForBudget: number;
  /** Tokens with a non-zero count that BPE cannot produce from their characters (never kept). */
  unreachable: number;
  /** Authors'-rule tokens dropped because they are unreachable. */
  unreachableSpecials: string[];
}

/** The chosen vocabulary. */
export interface Selection {
  /** Kept old ids, ascending: new id = index in this list (a monotone map). */
  keep: number[];
  stats: SelectionStats;
}

/**
 * Picks exactly `size` ids of `view` by the rules above, using `counts[id]` (occurrences in the
 * corpus). Throws `VocabSizeError` when `size` is below the mandatory tokens (the message gives
 * the minimum) or above the tokenizer's size.
 */
export function selectVocabulary(view: VocabView, counts: ArrayLike<number>, size: number): Selection {
  let existing = 0;
  for (let id = 0; id < view.size; id++) if (view.exists(id)) existing++;
  const kept = new Set<number>();
  const reason = new Map<number, 'mandatory' | 'frequency' | 'ancestor' | 'fill'>();
  const mandatory: Partial<Record<MandatoryReason, number>> = {};
  const unreachableSpecials: string[] = [];
  let ancestors = 0;
  const add = (ids: readonly number[], main: number, why: 'mandatory' | 'frequency' | 'fill') => {
    for (const id of ids) {
      if (kept.has(id)) continue;
      kept.add(id);
      reason.set(id, id === main ? why : 'ancestor');
      if (id !== main) ancestors++;
    }
  };
  for (const [id, why] of view.mandatory) {
    if (why === 'authors-rule') {
      const c = view.closure(id);
      if (!c) {
        unreachableSpecials.push(view.token(id));
        continue;
      }
      add(c, id, 'mandatory');
    } else {
      add([id], id, 'mandatory');
    }
    mandatory[why] = (mandatory[why] ?? 0) + 1;
  }
  const minimum = kept.size;
  if (!Number.isInteger(size) || size < minimum || size > existing) {
    throw new VocabSizeError({
      message:
        `vocabulary size ${size} is not possible: it must be an integer from ${minimum} (the special tokens, byte alphabet ` +
        `and their merge ancestors that must stay) to ${existing} (the tokenizer's size)`,
      field: 'vocabSize',
      minimum,
      maximum: existing,
    });
  }
  const candidates: number[] = [];
  for (let id = 0; id < view.size; id++) if (view.exists(id) && counts[id] > 0 && !kept.has(id)) candidates.push(id);
  candidates.sort((a, b) => counts[b] - counts[a] || a - b);
  const plainCut = new Set(candidates.slice(0, size - minimum));
  let skippedForBudget = 0;
  let unreachable = 0;
  let byFrequency = 0;
  let fill = 0;
  const tryAdd = (id: number, why: 'frequency' | 'fill'): boolean => {
    if (kept.has(id)) return false;
    const c = view.closure(id);
    if (!c) {
      if (why === 'frequency') unreachable++;
      return false;
    }
    let missing = 0;
    for (const x of c) if (!kept.has(x)) missing++;
    if (kept.size + missing > size) {
      if (why === 'frequency') skippedForBudget++;
      return false;
    }
    add(c, id, why);
    return true;
  };
  for (const id of candidates) {
    if (kept.size === size) break;
    if (tryAdd(id, 'frequency')) byFrequency++;
  }
  for (let id = 0; id < view.size && kept.size < size; id++) {
    if (view.exists(id) && tryAdd(id, 'fill')) fill++;
  }
  if (kept.size !== size) {
    throw new VocabSizeError({
      message: `cannot reach exactly ${size} reachable tokens (stopped at ${kept.size}); ask for a smaller size`,
      field: 'vocabSize',
      minimum,
      maximum: kept.size,
    });
  }
  let displacedByAncestors = 0;
  for (const id of plainCut) if (!kept.has(id)) displacedByAncestors++;
  const keep = [...kept].sort((a, b) => a - b);
  return {
    keep,
    stats: {
      mandatory,
      minimum,
      byFrequency,
      ancestors,
      fill,
      displacedByAncestors,
      skippedForBudget,
      unreachable,
      unreachableSpecials,
    },
  };
}

/** Turns a merge tree of token strings into ids (null stays null). */
export function treeIds(tree: MergeTree, idOf: (token: string) => number | undefined): number[] | null {
  if (!tree) return null;
  const out: number[] = [];
  for (const t of tree) {
    const id = idOf(t);
    if (id === undefined) return null;
    out.push(id);
  }
  return out;
}
