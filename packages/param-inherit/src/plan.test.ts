// Unit selection: top-k, whole-head selection under grouped-query attention, depth rules.
import { describe, expect, it } from 'vitest';
import { selectHeads, topK } from './plan';
import { firstLastLayers, uniformLayers } from './select-layers';

describe('topK', () => {
  it('keeps the largest, in index order, ties to the lower index', () => {
    expect(topK([0.1, 5, 3, 5, -1], 3)).toEqual([1, 2, 3]);
    expect(topK([1, 1, 1, 1], 2)).toEqual([0, 1]);
  });
});

describe('selectHeads (GQA: query head q reads KV head floor(q / g))', () => {
  // 8 query heads, 4 KV heads: groups {0,1} {2,3} {4,5} {6,7}
  const head = [9, 1, 2, 8, 7, 3, 0, 4];
  it('only query heads shrink: the same number kept in every group, the best of each', () => {
    expect(selectHeads(head, undefined, 8, 4, 4, 4)).toEqual({ heads: [0, 3, 4, 7], kvHeads: [0, 1, 2, 3] });
  });
  it('KV heads shrink: whole groups by group score', () => {
    const group = [1, 10, 5, 7];
    expect(selectHeads(head, group, 8, 4, 4, 2)).toEqual({ heads: [2, 3, 6, 7], kvHeads: [1, 3] });
  });
  it('both shrink: best groups, then the best heads inside them', () => {
    expect(selectHeads(head, [10, 0, 9, 1], 8, 4, 2, 2)).toEqual({ heads: [0, 4], kvHeads: [0, 2] });
  });
  it('MHA (one head per group): plain top-k of heads', () => {
    expect(selectHeads([3, 1, 4, 1, 5], [3, 1, 4, 1, 5], 5, 5, 3, 3)).toEqual({ heads: [0, 2, 4], kvHeads: [0, 2, 4] });
  });
  it('refuses more query heads per group than the source has', () => {
    expect(() => selectHeads(head, [1, 2, 3, 4], 8, 4, 6, 2)).toThrow(/numKvHeads/);
  });
});

describe('depth rules', () => {
  it("uniform: every (L / L')-th layer from the first", () => {
    expect(uniformLayers(32, 16)).toEqual(Array.from({ length: 16 }, (_, i) => 2 * i));
    expect(uniformLayers(12, 4)).toEqual([0, 3, 6, 9]);
    expect(uniformLayers(4, 4)).toEqual([0, 1, 2, 3]);
  });
  it('first-last: the first a and last b layers, the middle dropped', () => {
    expect(firstLastLayers(12, 5)).toEqual([0, 1, 2, 10, 11]);
    expect(firstLastLayers(12, 5, 1)).toEqual([0, 8, 9, 10, 11]);
    expect(firstLastLayers(12, 5, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(() => firstLastLayers(12, 5, 6)).toThrow(/keepFirst = 6 is invalid: allowed integers 0..5/);
  });
});
