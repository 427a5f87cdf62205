// Which tokens a BPE token needs to stay reachable once others are dropped: its merge tree.
// When BPE encodes a word, the merges that build one final token only involve that token's own
// span, in the order BPE applies them to the token's characters alone; so running BPE on the
// token's characters gives exactly the intermediate tokens (and merges) it needs. Keeping all of
// them, and only merges whose parts and result are kept, makes the pruned BPE reproduce the
// original segmentation of any word whose original tokens were all kept (it applies the same
// merges in the same order, as the dropped merges were never candidates for that word).
// - Hugging Face BPE (tokenizers/src/models/bpe/word.rs merge_all): characters are the leaves and
//   must be in the vocabulary (others become byte-fallback pieces and never merge); the pair of
//   lowest merge rank is merged first, leftmost on ties.
// - SentencePiece BPE (bpe_model.cc): any adjacent pair whose concatenation is a piece merges,
//   highest score first, leftmost on ties; characters need not be pieces to be merged, so only
//   the merge results are needed.

import { PairHeap } from './pair-heap';

/** The tokens `token` needs (itself included), or null when BPE does not produce it from its characters. */
export type MergeTree = readonly string[] | null;

/** Merge trees of a Hugging Face BPE model (memoized). */
export class HfMergeTrees {
  private readonly ranks = new Map<string, Map<string, number>>();
  private readonly memo = new Map<string, MergeTree>();

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    merges: readonly (readonly [string, string])[],
    private readonly ignoreMerges: boolean,
  ) {
    merges.forEach(([a, b], rank) => {
      let inner = this.ranks.get(a);
      if (!inner) this.ranks.set(a, (inner = new Map()));
      if (!inner.has(b)) inner.set(b, rank);
    });
  }

  /** The rank of merge (a, b), or undefined. */
  rank(a: string, b: string): number | undefined {
    return this.ranks.get(a)?.get(b);
  }

  /** Every token built while BPE turns the characters of `token` into `token` (leaves included), or null. */
  tree(token: string): MergeTree {
    const hit = this.memo.get(token);
    if (hit !== undefined) return hit;
    const result = this.compute(token);
    this.memo.set(token, result);
    return result;
  }

  private compute(token: string): MergeTree {
    const symbols = Array.from(token);
    const nodes = new Set<string>();
    let leavesOk = true;
    for (const s of symbols) {
      if (!this.vocab.has(s)) leavesOk = false;
      nodes.add(s);
    }
    if (leavesOk) {
      const final = mergeAll(
        symbols,
        (a, b) => {
          const r = this.rank(a, b);
          return r === undefined ? undefined : -r;
        },
        nodes,
      );
      if (final.length === 1 && final[0] === token) return [...nodes];
    }
    // With ignore_merges, a whole pre-token found in the vocabulary is emitted as is, so such a
    // token is reachable on its own even when merges do not build it.
    return this.ignoreMerges ? [token] : null;
  }
}

/** Merge trees of a SentencePiece BPE model (memoized). */
export class SpmMergeTrees {
  private readonly memo = new Map<string, MergeTree>();

  /** `scores` maps each mergeable piece (NORMAL, USER_DEFINED, UNUSED) to its score. */
  constructor(private readonly scores: ReadonlyMap<string, number>) {}

  /** Every piece BPE creates while turning the characters of `piece` into `piece`, or null. */
  tree(piece: string): MergeTree {
    const hit = this.memo.get(piece);
    if (hit !== undefined) return hit;
    const created = new Set<string>();
    const symbols = mergeAll(Array.from(piece), (a, b) => this.scores.get(a + b), created);
    const result = symbols.length === 1 && symbols[0] === piece ? (created.size ? [...created] : [piece]) : null;
    this.memo.set(piece, result);
    return result;
  }
}

/**
 * Runs BPE on `symbols`: repeatedly merges the adjacent pair of highest `score` (leftmost on ties;
 * undefined = not a merge) until none is left, adding each merged symbol to `created`; returns the
 * final symbols. Heap-driven over a linked list, so a token of n characters costs O(n log n): a
 * hostile tokenizer.json with a megabyte-long token must not cost n^2.
 */
function mergeAll(symbols: string[], score: (a: string, b: string) => number | undefined, created: Set<string>): string[] {
  const n = symbols.length;
  const sym = symbols.slice();
  const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
  const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
  const heap = new PairHeap();
  const consider = (l: number, r: number) => {
    if (l < 0 || r < 0) return;
    const s = score(sym[l], sym[r]);
    if (s !== undefined) heap.push(l, r, s, sym[l].length + sym[r].length);
  };
  for (let i = 0; i + 1 < n; i++) consider(i, i + 1);
  while (heap.length > 0) {
    const { left: l, right: r, size } = heap.pop();
    if (sym[l] === '' || sym[r] === '' || next[l] !== r || sym[l].length + sym[r].length !== size) continue;
    sym[l] += sym[r];
    created.add(sym[l]);
    sym[r] = '';
    next[l] = next[r];
    if (next[r] >= 0) prev[next[r]] = l;
    consider(prev[l], l);
    consider(l, next[l]);
  }
  const out: string[] = [];
  for (let i = n > 0 ? 0 : -1; i !== -1; i = next[i]) out.push(sym[i]);
  return out;
}
