// Hostile pickles, each the minimal stream that showed a defect (issue 18): every one is refused
// with a tinylm error naming the pickle, or read correctly, never a RangeError or a hang.
import { describe, expect, it } from 'vitest';
import { PickleFormatError, SourceCheckpointError, UnsafePickleError } from './errors';
import { type PickleValue, type PySet, unpickle } from './pickle';
import { toPlain } from './pickle-plain';
import { TORCH_GLOBALS } from './torch-checkpoint';
import { billionLaughs, op, pickle } from './__fixtures__/pickle-bytes';

const read = (bytes: Uint8Array) => unpickle(bytes, { globals: TORCH_GLOBALS, source: 'hostile.pkl' });
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
};

describe('unpickle on hostile input', () => {
  it('refuses a \\U escape above U+10FFFF in a UNICODE argument', () => {
    const error = thrown(() => read(pickle(op.unicodeLine('a\\U00110000'), op.STOP)));
    expect(PickleFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/hostile\.pkl.*\\U00110000 is above U\+10FFFF/);
    // the largest code point is still read
    expect(read(pickle(op.unicodeLine('\\U0010ffff'), op.STOP))).toBe(String.fromCodePoint(0x10ffff));
  });

  it('reads APPENDS and ADDITEMS of 300,000 items (no spread into push)', () => {
    const n = 300_000;
    const items = 'K\x07'.repeat(n); // BININT1 7, n times (one string: a spread would overflow here too)
    const list = read(pickle(op.PROTO2, op.EMPTY_LIST, op.MARK, items, op.APPENDS, op.STOP)) as PickleValue[];
    expect(list.length).toBe(n);
    expect(list[n - 1]).toBe(7);
    const set = read(pickle(op.PROTO2, op.EMPTY_SET, op.MARK, items, op.ADDITEMS, op.STOP)) as PySet;
    expect(set.items.length).toBe(n);
  });

  it('decodes a 200 KB LONG4 exactly', () => {
    const n = 200_000;
    const bytes = new Uint8Array(n);
    bytes[n - 1] = 0x01; // 2^(8(n-1))
    bytes[0] = 0x05;
    expect(read(pickle(op.PROTO2, op.long(bytes), op.STOP))).toBe((1n << BigInt(8 * (n - 1))) + 5n);
    const negative = new Uint8Array(n).fill(0xff); // -1 in two's complement
    expect(read(pickle(op.PROTO2, op.long(negative), op.STOP))).toBe(-1);
    expect(read(pickle(op.PROTO2, op.long(Uint8Array.of(0x00, 0x80)), op.STOP))).toBe(-32768);
  });

  for (const [module, name] of [
    ['__proto__', 'x'],
    ['constructor', 'name'],
    ['torch', '__proto__'],
    ['collections.constructor', 'OrderedDict'],
  ]) {
    it(`refuses the global ${module}.${name} by name, reading no prototype`, () => {
      const error = thrown(() => read(pickle(op.PROTO2, op.global(module, name), op.STOP)));
      expect(UnsafePickleError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`"${module}"."${name}", which is not a Python name this reader accepts`);
      expect((error as Error).message).not.toContain('[object Object]');
    });
  }

  it('still refuses globals outside the allow-list, naming them', () => {
    const error = thrown(() => read(pickle(op.PROTO2, op.global('os', 'system'), op.STOP)));
    expect(UnsafePickleError.isInstance(error)).toBe(true);
    expect((error as UnsafePickleError).global).toBe('os.system');
  });

  it('bounds the work of handing one big memoised value to a copying handler again and again', () => {
    // _codecs.encode(text, 'latin1') copies its text: 100 KB of text, then 20,000 calls on it
    const parts: (Uint8Array | string)[] = [op.PROTO2, op.str('x'.repeat(100_000)), op.put(0), op.POP];
    parts.push(op.global('_codecs', 'encode'), op.put(1), op.POP, op.str('latin1'), op.put(2), op.POP, op.EMPTY_LIST, op.MARK);
    for (let i = 0; i < 20_000; i++) parts.push(op.get(1), op.get(0), op.get(2), op.TUPLE2, op.REDUCE);
    parts.push(op.APPENDS, op.STOP);
    const error = thrown(() => read(pickle(...parts)));
    expect(PickleFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/hostile\.pkl.*_codecs\.encode: the pickle asks for more than \d+ units of work/);
  });
});

describe('toPlain on hostile object graphs', () => {
  it('refuses a billion-laughs graph (431-byte class) without unfolding it', () => {
    const bytes = billionLaughs(40);
    expect(bytes.length).toBeLessThan(431);
    const value = read(bytes);
    const error = thrown(() => toPlain(value, { source: 'laughs.pkl', maxNodes: 10_000 }));
    expect(SourceCheckpointError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/laughs\.pkl: the pickled value unfolds to more than 10000 nodes/);
  });

  it('converts a shared reference once and reuses it', () => {
    const plain = toPlain(read(billionLaughs(3))) as { model: unknown[][] };
    expect(plain.model[0]).toBe(plain.model[1]);
    expect(JSON.stringify(plain)).toBe('{"model":[[[[],[]],[[],[]]],[[[],[]],[[],[]]]]}');
  });

  it('refuses a cycle and nesting beyond 64 levels', () => {
    const cycle = read(pickle(op.PROTO2, op.EMPTY_LIST, op.put(0), op.get(0), op.APPEND, op.STOP));
    expect(() => toPlain(cycle, { source: 'cycle.pkl' })).toThrow(/cycle\.pkl: the pickled value refers to itself/);
    const deep = read(
      pickle(op.PROTO2, ...Array.from({ length: 100 }, () => op.EMPTY_LIST), ...Array.from({ length: 99 }, () => op.APPEND), op.STOP),
    );
    expect(() => toPlain(deep, { source: 'deep.pkl' })).toThrow(/deep\.pkl: the pickled value nests deeper than 64 levels/);
  });

  it('keeps a dict key named __proto__ as an own property', () => {
    const plain = toPlain(read(pickle(op.PROTO2, op.EMPTY_DICT, op.str('__proto__'), op.int1(3), op.SETITEM, op.STOP))) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.hasOwn(plain, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(plain, '__proto__')?.value).toBe(3);
  });
});
