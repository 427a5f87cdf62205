// Merge trees against a direct transcription of the rule (rescan for the best pair after every
// merge), on hand-worked cases, on random small vocabularies, and on a token long enough that the
// rescan would take minutes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HfMergeTrees, SpmMergeTrees } from './merge-trees';

/** The rule as written: lowest rank (HF) / highest score (SPM) first, leftmost on ties, rescanning each time. */
function rescan(token: string, score: (a: string, b: string) => number | undefined): { final: string[]; created: Set<string> } {
  const symbols = Array.from(token);
  const created = new Set<string>();
  for (;;) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const s = score(symbols[i], symbols[i + 1]);
      if (s !== undefined && (best < 0 || s > bestScore)) [best, bestScore] = [i, s];
    }
    if (best < 0) return { final: symbols, created };
    symbols.splice(best, 2, symbols[best] + symbols[best + 1]);
    created.add(symbols[best]);
  }
}

describe('HfMergeTrees', () => {
  const vocab = new Map(['a', 'b', 'c', 'ab', 'bc', 'abc', 'aa'].map((t, i) => [t, i]));
  const merges: [string, string][] = [
    ['b', 'c'],
    ['a', 'b'],
    ['a', 'bc'],
    ['a', 'a'],
  ];

  it('lists the leaves and every intermediate token, in the order BPE builds them', () => {
    const trees = new HfMergeTrees(vocab, merges, false);
    expect(trees.tree('abc')).toEqual(['a', 'b', 'c', 'bc', 'abc']);
    expect(trees.tree('ab')).toEqual(['a', 'b', 'ab']);
    // "aaa": the leftmost pair merges first, leaving ["aa", "a"]: not one token.
    expect(trees.tree('aaa')).toBeNull();
    // A leaf missing from the vocabulary never merges; with ignore_merges the token stands alone.
    expect(trees.tree('xab')).toBeNull();
    expect(new HfMergeTrees(vocab, merges, true).tree('xab')).toEqual(['xab']);
  });

  it('agrees with the rescanning rule on random vocabularies', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'd');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(word, word), { maxLength: 24 }), word, (pairs, token) => {
        const trees = new HfMergeTrees(new Map(['a', 'b', 'c', 'd'].map((t, i) => [t, i])), pairs, false);
        const rank = (a: string, b: string) => {
          const r = pairs.findIndex(([x, y]) => x === a && y === b);
          return r < 0 ? undefined : -r;
        };
        const { final, created } = rescan(token, rank);
        const expected = final.length === 1 && final[0] === token ? [...new Set([...Array.from(token), ...created])] : null;
        expect(trees.tree(token)).toEqual(expected);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('a 200,000-character token of 100,000 merges is resolved (the rescan made it quadratic)', () => {
    const trees = new HfMergeTrees(
      new Map([
        ['a', 0],
        ['b', 1],
        ['ab', 2],
      ]),
      [['a', 'b']],
      false,
    );
    expect(trees.tree('ab'.repeat(100_000))).toBeNull();
    expect(trees.tree('ab')).toEqual(['a', 'b', 'ab']);
  });
});

describe('SpmMergeTrees', () => {
  it('merges the highest-scoring pair first, leftmost on ties, and agrees with the rescanning rule', () => {
    const scores = new Map([
      ['ab', -1],
      ['bc', -0.5],
      ['abc', -2],
      ['aa', -3],
    ]);
    const trees = new SpmMergeTrees(scores);
    // bc (-0.5) beats ab (-1), so "abc" is built as a + bc (ab is not in its tree); "aaa" stops at ["aa", "a"].
    expect(trees.tree('abc')).toEqual(['bc', 'abc']);
    expect(trees.tree('aaa')).toBeNull();
    expect(trees.tree('ab')).toEqual(['ab']);
    expect(trees.tree('aa')).toEqual(['aa']);
    for (const piece of ['abc', 'aaaa', 'abab', 'bcbc']) {
      const { final, created } = rescan(piece, (a, b) => scores.get(a + b));
      expect(trees.tree(piece)).toEqual(final.length === 1 && final[0] === piece ? [...created] : null);
    }
  });
});
