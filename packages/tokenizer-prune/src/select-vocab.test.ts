// The selection rules on a small BPE vocabulary where every outcome can be worked out by hand,
// and the keep-ancestors invariant on the real Llama-2-style tokenizer.

import { describe, expect, it } from 'vitest';
import { VocabSizeError } from './errors';
import { HfMergeTrees } from './merge-trees';
import { hfVocabView } from './prune-tokenizer-json';
import { isAuthorsSpecial, selectVocabulary, treeIds, type VocabView } from './select-vocab';
import { readTokenizerSource } from './tokenizer-source';
import { LLAMA2_JSON } from './__fixtures__/hf';

// ids: 0 <s>  1 a  2 b  3 c  4 ab  5 abc  6 bc  7 cc  8 <x>  9 zz (unreachable: no merge makes it)
const TOKENS = ['<s>', 'a', 'b', 'c', 'ab', 'abc', 'bc', 'cc', '<x>', 'zz'];
const MERGES: [string, string][] = [
  ['a', 'b'],
  ['ab', 'c'],
  ['b', 'c'],
  ['c', 'c'],
];

function toyView(): VocabView {
  const vocab = new Map(TOKENS.map((t, i) => [t, i]));
  vocab.delete('<s>');
  vocab.set('z', 10);
  const trees = new HfMergeTrees(vocab, MERGES, false);
  const mandatory = new Map<number, 'added' | 'alphabet' | 'authors-rule'>([
    [0, 'added'],
    [1, 'alphabet'],
    [2, 'alphabet'],
    [3, 'alphabet'],
    [8, 'authors-rule'],
  ]);
  return {
    size: 10,
    exists: () => true,
    token: (id) => TOKENS[id],
    mandatory,
    closure: (id) => (id === 0 || id <= 3 ? [id] : treeIds(trees.tree(TOKENS[id]), (t) => vocab.get(t))),
  };
}

describe('selectVocabulary', () => {
  it('keeps the mandatory tokens, then the most frequent with their merge ancestors, to exactly the size', () => {
    const counts = [0, 5, 5, 5, 0, 100, 3, 50, 0, 0];
    const s = selectVocabulary(toyView(), counts, 7);
    // abc (100) needs ab; cc (50) fits; <x> has no merges, so it is dropped as unreachable.
    expect(s.keep).toEqual([0, 1, 2, 3, 4, 5, 7]);
    expect(s.stats).toMatchObject({ minimum: 4, byFrequency: 2, ancestors: 1, fill: 0, displacedByAncestors: 1 });
    expect(s.stats.unreachableSpecials).toEqual(['<x>']);
    expect(s.stats.mandatory).toEqual({ added: 1, alphabet: 3 });
  });

  it('skips a frequent token whose ancestors do not fit and takes the next one that does', () => {
    const counts = [0, 5, 5, 5, 0, 100, 3, 50, 0, 0];
    const s = selectVocabulary(toyView(), counts, 5);
    expect(s.keep).toEqual([0, 1, 2, 3, 7]);
    expect(s.stats.skippedForBudget).toBe(1);
  });

  it('fills with reachable zero-count tokens in id order when the corpus used fewer tokens, never unreachable ones', () => {
    const s = selectVocabulary(toyView(), [0, 1, 1, 1, 0, 0, 0, 0, 0, 7], 8);
    expect(s.keep).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.stats.unreachable).toBe(1);
    expect(s.stats.fill).toBe(4);
  });

  it('says the minimum and the maximum when the size is out of range', () => {
    for (const size of [3, 11]) {
      let error: unknown;
      try {
        selectVocabulary(toyView(), new Array(10).fill(1), size);
      } catch (e) {
        error = e;
      }
      expect(VocabSizeError.isInstance(error)).toBe(true);
      expect((error as VocabSizeError).minimum).toBe(4);
      expect((error as VocabSizeError).maximum).toBe(10);
      expect((error as Error).message).toMatch(
        new RegExp(`vocabulary size ${size} is not possible: it must be an integer from 4 .* to 10`),
      );
    }
  });

  it("applies the authors' rule: <...> or [...] longer than 2 characters", () => {
    expect(['<s>', '[PAD]', '<0x0A>', '<|im_end|>', '[]'].map(isAuthorsSpecial)).toEqual([true, true, true, true, false]);
    expect(['<>', 'a<b>', '<a', '[x'].map(isAuthorsSpecial)).toEqual([false, false, false, false]);
  });

  it('on the real Llama-2-style tokenizer: every kept token keeps its whole merge tree, ids ascending', async () => {
    const source = await readTokenizerSource(LLAMA2_JSON);
    if (source.format !== 'tokenizer.json') throw new Error('expected tokenizer.json');
    const view = hfVocabView(source.bpe);
    // Zipf-like counts over the ids, so that many frequent tokens need ancestors.
    const counts = Array.from({ length: source.vocabSize }, (_, id) => (id % 7 === 0 ? 0 : Math.floor(1e6 / (1 + ((id * 7919) % 5000)))));
    const s = selectVocabulary(view, counts, 2500);
    expect(s.keep).toHaveLength(2500);
    const kept = new Set(s.keep);
    for (let i = 1; i < s.keep.length; i++) expect(s.keep[i]).toBeGreaterThan(s.keep[i - 1]);
    for (const id of s.keep) for (const a of view.closure(id) ?? []) expect(kept.has(a)).toBe(true);
    for (const [id] of view.mandatory) if (view.closure(id)) expect(kept.has(id)).toBe(true);
    expect(s.stats.ancestors).toBeGreaterThan(0);
    expect(s.stats.displacedByAncestors).toBeGreaterThan(0);
  });
});
