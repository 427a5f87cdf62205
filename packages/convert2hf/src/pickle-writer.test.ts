// The protocol-2 pickle writer: its opcodes are CPython's, its bytes are pickle.dumps(protocol=2)'s
// for the same data, it reads back through our unpickler and Python's, and it refuses what it
// does not write.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findPython } from '../../../tooling/python';
import { gate } from '../../../tooling/test-env';
import { FIXTURES } from './__fixtures__/paths';
import { CheckpointWriteError } from './errors';
import { PyDict, PyTuple, unpickle } from './pickle';
import { OP } from './pickle-opcodes';
import { MAX_PICKLE_DEPTH, type PickleWritable, PyFloat, PyGlobalRef, PyPersistentId, PyReduce, pickleValue } from './pickle-writer';

const dict = (entries: [PickleWritable, PickleWritable][], className?: string) => {
  const d = new PyDict(className);
  for (const [k, v] of entries) d.map.set(k, v);
  return d;
};

/** Integers at each encoding's edges (BININT1, BININT2, BININT, LONG1) and a LONG4-sized one. */
const INTS: (number | bigint)[] = [0, 1, 255, 256, 65535, 65536, -1, -128, -129, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1];
const BIGS: bigint[] = [2n ** 63n, -(2n ** 63n), 2n ** 100n, -(2n ** 100n) + 1n, 255n << 64n, -(1n << 2100n)];

/** A value and the Python expression for it. */
const SAMPLE: [PickleWritable, string] = [
  dict([
    ['ints', new PyTuple([...INTS, Number.MAX_SAFE_INTEGER, ...BIGS])],
    ['floats', new PyTuple([0.5, -1e300, new PyFloat(1), new PyFloat(-0), Number.POSITIVE_INFINITY, 1 / 3])],
    ['text', new PyTuple(['', 'ü→🙂', 'a\nb'])],
    ['tuples', new PyTuple([new PyTuple([]), new PyTuple([1]), new PyTuple([1, 2]), new PyTuple([1, 2, 3]), new PyTuple([1, 2, 3, 4])])],
    ['flags', new PyTuple([true, false, null])],
    ['nested', dict([[1, dict([['x', new PyTuple([])]])]])],
  ]),
  `{'ints': (${[...INTS, Number.MAX_SAFE_INTEGER, ...BIGS].map(String).join(', ')}), ` +
    "'floats': (0.5, -1e300, 1.0, -0.0, float('inf'), 1/3), 'text': ('', 'ü→🙂', 'a\\nb'), " +
    "'tuples': ((), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)), 'flags': (True, False, None), 'nested': {1: {'x': ()}}}",
];

describe('pickleValue', () => {
  it('reads back through our unpickler', () => {
    const back = unpickle(pickleValue(SAMPLE[0]), { globals: {} }) as PyDict;
    expect([...back.map.keys()]).toEqual(['ints', 'floats', 'text', 'tuples', 'flags', 'nested']);
    const ints = (back.get('ints') as PyTuple).items;
    expect(ints).toEqual([...INTS, Number.MAX_SAFE_INTEGER, ...BIGS]);
    expect((back.get('floats') as PyTuple).items).toEqual([0.5, -1e300, 1, -0, Number.POSITIVE_INFINITY, 1 / 3]);
    expect((back.get('text') as PyTuple).items).toEqual(['', 'ü→🙂', 'a\nb']);
    expect(((back.get('tuples') as PyTuple).items as PyTuple[]).map((t) => t.items.length)).toEqual([0, 1, 2, 3, 4]);
    expect((back.get('flags') as PyTuple).items).toEqual([true, false, null]);
  });

  it('shares a repeated string, global, tuple or dict through the memo (BINGET), and memo indices past 255', () => {
    const t = new PyTuple(['shared', 'shared']);
    const d = dict([['k', 1]]);
    const g = new PyGlobalRef('collections', 'OrderedDict');
    const bytes = pickleValue(new PyTuple([t, t, d, d, new PyReduce(g, new PyTuple([])), new PyReduce(g, new PyTuple([]))]));
    // 'shared' once, then BINGET; one GLOBAL for the two calls
    expect(Buffer.from(bytes).indexOf('shared')).toBe(Buffer.from(bytes).lastIndexOf('shared'));
    expect(Buffer.from(bytes).indexOf('OrderedDict')).toBe(Buffer.from(bytes).lastIndexOf('OrderedDict'));
    const back = unpickle(bytes, {
      globals: { 'collections.OrderedDict': { call: () => new PyDict('collections.OrderedDict') } },
    }) as PyTuple;
    expect(back.items[0]).toBe(back.items[1]);
    expect(back.items[2]).toBe(back.items[3]);

    const many = dict(Array.from({ length: 1500 }, (_, i): [string, string] => [`k${i}`, `v${i}`]));
    const manyBytes = pickleValue(new PyTuple([many, 'k7', 'v1499']));
    expect(manyBytes.includes(OP.LONG_BINPUT)).toBe(true);
    const manyBack = unpickle(manyBytes, { globals: {} }) as PyTuple;
    expect((manyBack.items[0] as PyDict).map.size).toBe(1500);
    expect((manyBack.items[0] as PyDict).get('k1499')).toBe('v1499');
    expect(manyBack.items.slice(1)).toEqual(['k7', 'v1499']);
  });

  it('writes OrderedDicts, REDUCE calls and persistent ids as torch.save does', () => {
    const storage = new PyPersistentId(new PyTuple(['storage', new PyGlobalRef('torch', 'FloatStorage'), '0', 'cpu', 6]));
    const bytes = pickleValue(dict([['w', storage]], 'collections.OrderedDict'));
    const pids: unknown[] = [];
    const back = unpickle(bytes, {
      globals: { 'collections.OrderedDict': { call: () => new PyDict('collections.OrderedDict') }, 'torch.FloatStorage': {} },
      persistentLoad: (pid) => (pids.push(pid), 'loaded'),
    }) as PyDict;
    expect(back.className).toBe('collections.OrderedDict');
    expect(back.get('w')).toBe('loaded');
    expect((pids[0] as PyTuple).items.map((x) => (typeof x === 'object' ? (x as { qualifiedName: string }).qualifiedName : x))).toEqual([
      'storage',
      'torch.FloatStorage',
      '0',
      'cpu',
      6,
    ]);
  });

  it('refuses what it does not write, naming it', () => {
    const cyclic = new PyTuple([]);
    (cyclic as unknown as { items: unknown[] }).items = [cyclic];
    let deep: PickleWritable = 1;
    for (let i = 0; i <= MAX_PICKLE_DEPTH; i++) deep = new PyTuple([deep]);
    const withAttrs = new PyDict();
    withAttrs.attrs = new PyDict();
    const cases: [PickleWritable, RegExp][] = [
      ['\uDC00x', /lone UTF-16 surrogate/],
      [new PyDict('builtins.Counter'), /only dict and collections.OrderedDict are written, not "builtins.Counter"/],
      [withAttrs, /dicts with attributes/],
      [new PyGlobalRef('os', 'system\nx'), /dotted Python names/],
      [cyclic, /a tuple contains itself/],
      [deep, /nest deeper than 64 levels/],
      [{ x: 1 } as never, /cannot pickle \{"x":1\}/],
      [[1] as never, /cannot pickle \[1\]/],
    ];
    for (const [value, message] of cases) {
      const error = (() => {
        try {
          pickleValue(value);
        } catch (e) {
          return e;
        }
      })();
      expect(CheckpointWriteError.isInstance(error), String(message)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});

const py = findPython([]);
const python = 'python' in py ? py.python : '';
describe.runIf(gate('python', 'python' in py, 'missing' in py ? py.missing : ''))("against CPython's pickle", () => {
  it("uses CPython's opcode bytes", () => {
    const r = spawnSync(python, [`${FIXTURES}/torch_save_check.py`, 'opcodes'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const theirs = JSON.parse(r.stdout) as Record<string, number>;
    for (const [name, code] of Object.entries(OP)) expect(code, name).toBe(theirs[name]);
  });

  it('writes the bytes pickle.dumps(protocol=2) writes, and pickle.loads reads the value back', () => {
    const script = [
      'import pickle, sys',
      `v = ${SAMPLE[1]}`,
      'data = bytes.fromhex(sys.stdin.read())',
      "assert pickle.loads(data) == v, 'loads differs'",
      'sys.stdout.write(pickle.dumps(v, protocol=2).hex())',
    ].join('\n');
    const ours = Buffer.from(pickleValue(SAMPLE[0])).toString('hex');
    const r = spawnSync(python, ['-c', script], { encoding: 'utf8', input: ours });
    expect(r.status, r.stderr).toBe(0);
    expect(ours).toBe(r.stdout);
  });
});
