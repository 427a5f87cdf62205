// The restricted unpickler against pickles written by CPython's own pickle module at every
// protocol (src/__fixtures__/make-fixtures.py), and its refusals.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PickleFormatError, UnsafePickleError } from './errors';
import { type PickleValue, PyDict, PySet, PyTuple, unpickle } from './pickle';
import { TORCH_GLOBALS, toPlain } from './torch-checkpoint';
import { FIXTURES } from './__fixtures__/paths';

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));

/** Plain form matching make-fixtures.py's `plain`: sets sorted, bytes as lists, big ints as strings. */
function plain(v: PickleValue): unknown {
  if (v instanceof PySet) return v.items.map(plain).sort((a, b) => (String(a) < String(b) ? -1 : 1));
  if (v instanceof Uint8Array) return [...v];
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PyTuple) return v.items.map(plain);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof PyDict) return Object.fromEntries([...v.map].map(([k, x]) => [String(k), plain(x)]));
  return v;
}

describe('unpickle', () => {
  for (const proto of [0, 1, 2, 3, 4, 5]) {
    it(`reads Python's protocol ${proto} pickle of nested data exactly`, () => {
      const bytes = readFileSync(join(FIXTURES, `data-p${proto}.pkl`));
      const value = unpickle(bytes, { globals: TORCH_GLOBALS, source: `data-p${proto}.pkl` });
      expect(plain(value)).toEqual(expected.data);
      // memoised objects stay shared, as in Python
      const shared = (value as PyDict).get('shared') as PickleValue[][];
      expect(shared[0]).toBe(shared[1]);
      expect((value as PyDict).get('tuple')).toBeInstanceOf(PyTuple);
    });
  }

  it('refuses a global that is not allowed, naming it, without calling anything', () => {
    const bytes = readFileSync(join(FIXTURES, 'data-p2.pkl'));
    // data-p2 needs _codecs.encode (bytes) and builtins.set: with an empty allow-list, the first is named
    let error: unknown;
    try {
      unpickle(bytes, { globals: {}, source: 'data-p2.pkl' });
    } catch (e) {
      error = e;
    }
    expect(UnsafePickleError.isInstance(error)).toBe(true);
    expect((error as UnsafePickleError).global).toMatch(/^(_codecs\.encode|builtins\.set)$/);
    expect((error as Error).message).toContain('not allowed');
  });

  it('reports truncation and garbage as PickleFormatError', () => {
    const bytes = readFileSync(join(FIXTURES, 'data-p2.pkl'));
    for (const cut of [1, 10, bytes.length - 1]) {
      expect(() => unpickle(bytes.subarray(0, cut), { globals: TORCH_GLOBALS })).toThrow(PickleFormatError);
    }
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0xff]), { globals: TORCH_GLOBALS })).toThrow(/unknown opcode 0xff/);
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x68, 0x07, 0x2e]), { globals: TORCH_GLOBALS })).toThrow(/memo index 7/);
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x2e]), { globals: TORCH_GLOBALS })).toThrow(/stack underflow/);
  });

  it('turns pickled values into plain JSON data', () => {
    const bytes = readFileSync(join(FIXTURES, 'data-p4.pkl'));
    const value = toPlain(unpickle(bytes, { globals: TORCH_GLOBALS })) as Record<string, unknown>;
    expect(value.nested).toEqual({ a: { b: { c: [1, [2, [3]]] } } });
    expect(value.bools).toEqual([true, false, null]);
  });
});
