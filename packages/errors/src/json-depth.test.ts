import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, showPath, tooDeepAt } from './json-depth';

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

describe('tooDeepAt', () => {
  it('accepts values at the limit and scalars', () => {
    expect(tooDeepAt(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(tooDeepAt(7)).toBeNull();
    expect(tooDeepAt(null)).toBeNull();
  });

  it('gives the path to the first level past the limit', () => {
    const path = tooDeepAt({ a: { b: [[{}]] } }, 3);
    expect(path).toEqual(['a', 'b', 0]);
  });

  it('walks a million levels without recursion', () => {
    const text = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const path = tooDeepAt(JSON.parse(text));
    expect(path).toHaveLength(MAX_JSON_DEPTH);
  });

  it('does not re-walk a shared node', () => {
    const shared: unknown[] = [];
    let v: unknown[] = shared;
    for (let i = 0; i < 40; i++) v = [v, v];
    expect(tooDeepAt(v, 100)).toBeNull();
  });
});

describe('showPath', () => {
  it('writes keys as people write them, cutting long ones', () => {
    expect(showPath(['model', 'vocab', 'a b', 3])).toBe('model.vocab["a b"][3]');
    expect(showPath(['x'.repeat(100)])).toBe(`["${'x'.repeat(64)}…"]`);
  });
});
