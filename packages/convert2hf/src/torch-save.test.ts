// writeTorchStateDict / encodeTorchStateDict: read back by our own reader, by Debian's torch 1.13
// (torch.load(weights_only=True): names, order, dtypes, shapes, exact bytes), byte for byte equal
// to torch.save's own file, a zip that Python's zipfile reads with correct CRCs and 64-byte
// aligned records (also in the ZIP64 layout), bad input refused with nothing left behind, and
// tensors given as functions produced one at a time.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../tooling/python';
import { gate } from '../../../tooling/test-env';
import { FIXTURES } from './__fixtures__/paths';
import { CheckpointWriteError } from './errors';
import { loadTorchFile, stateDictOf } from './torch-checkpoint';
import { encodeTorchStateDict, type TorchTensorToSave, writeTorchStateDict, writeTorchStateDictWith } from './torch-save';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert2hf-torch-save-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Deterministic bytes (a small LCG) so every tensor's content is distinct. */
function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const SIZES = { float32: 4, bfloat16: 2, float16: 2 } as const;
type Spec = [string, TorchTensorToSave['dtype'], number[]];

/** Tensors covering every dtype, a scalar, an empty tensor, a non-ASCII name and keys "10", "11". */
const SPECS: Spec[] = [
  ['model.tok_embeddings.weight', 'bfloat16', [8, 4]],
  ['model.layers.0.attention.wqkv.weight', 'float32', [3, 2, 5]],
  ['model.norm.weight', 'float16', [4]],
  ['scalar', 'float32', []],
  ['empty', 'bfloat16', [0, 3]],
  ['empty-last', 'float32', [3, 0]],
  ['gewicht.ü→', 'float16', [2, 1]],
  ...Array.from({ length: 7 }, (_, i): Spec => [`layers.${i}.w`, i % 2 ? 'float32' : 'bfloat16', [i + 1, 2]]),
];

function tensorsOf(specs: Spec[], asFunctions = false): [string, TorchTensorToSave][] {
  return specs.map(([name, dtype, shape], i) => {
    const bytes = bytesOf(shape.reduce((a, b) => a * b, 1) * SIZES[dtype], i + 1);
    return [name, { dtype, shape, data: asFunctions ? async () => bytes : bytes }];
  });
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('writeTorchStateDict read back by our reader', () => {
  it('gives the same names in order, dtypes, shapes and bytes', async () => {
    const path = join(dir, 'own.pt');
    await writeTorchStateDict(path, tensorsOf(SPECS, true));
    const file = await loadTorchFile(path);
    try {
      expect([...file.archive.entries.keys()].slice(0, 3)).toEqual(['own/data.pkl', 'own/byteorder', 'own/data/0']);
      const sd = stateDictOf(file);
      expect([...sd.keys()]).toEqual(SPECS.map((s) => s[0]));
      const expected = tensorsOf(SPECS);
      for (const [name, t] of expected) {
        const got = sd.get(name);
        expect(got?.dtype).toBe({ float32: 'F32', bfloat16: 'BF16', float16: 'F16' }[t.dtype]);
        expect(got?.shape).toEqual(t.shape);
        if (t.shape.every((s) => s > 0)) expect(got?.contiguous).toBe(true); // the reader calls an empty [3, 0] with torch strides [1, 1] strided
        expect(hex(await (got as NonNullable<typeof got>).readBytes())).toBe(hex(t.data as Uint8Array));
      }
    } finally {
      await file.close();
    }
  });

  it('encodeTorchStateDict gives the bytes writeTorchStateDict writes for the same archive name', async () => {
    const path = join(dir, 'same.pt');
    await writeTorchStateDict(path, tensorsOf(SPECS.slice(0, 4)));
    const encoded = encodeTorchStateDict(tensorsOf(SPECS.slice(0, 4)), { archiveName: 'same' });
    expect(hex(encoded)).toBe(hex(await readFile(path)));
    const zip = encodeTorchStateDict(tensorsOf(SPECS.slice(0, 1)));
    expect(Buffer.from(zip).includes('archive/data.pkl')).toBe(true);
  });
});

const py = findPython(['torch']);
const python = 'python' in py ? py.python : '';
const CHECK = join(FIXTURES, 'torch_save_check.py');
function runCheck(args: string[], input?: string): unknown {
  const r = spawnSync(python, [CHECK, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`torch_save_check.py ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

interface Loaded {
  type: string;
  tensors: { name: string; dtype: string; shape: number[]; stride: number[]; offset: number; requires_grad: boolean; hex: string }[];
}
interface Zipped {
  bad: string | null;
  entries: { name: string; size: number; compress_type: number; data_start: number }[];
}

function expectTorchSees(path: string, specs: Spec[]): void {
  const loaded = runCheck(['load', path]) as Loaded;
  expect(loaded.type).toBe('collections.OrderedDict');
  const expected = tensorsOf(specs);
  expect(loaded.tensors.map((t) => t.name)).toEqual(specs.map((s) => s[0]));
  loaded.tensors.forEach((t, i) => {
    const [, want] = expected[i];
    expect([t.dtype, t.shape, t.offset, t.requires_grad], t.name).toEqual([want.dtype, want.shape, 0, false]);
    expect(t.hex, t.name).toBe(hex(want.data as Uint8Array));
  });
}

function expectZipOk(path: string, prefix: string, count: number): Zipped {
  const zipped = runCheck(['zip', path]) as Zipped;
  expect(zipped.bad).toBeNull();
  expect(zipped.entries.map((e) => e.name)).toEqual([
    `${prefix}/data.pkl`,
    `${prefix}/byteorder`,
    ...Array.from({ length: count }, (_, i) => `${prefix}/data/${i}`),
    `${prefix}/version`,
  ]);
  for (const e of zipped.entries) {
    expect(e.compress_type, e.name).toBe(0);
    expect(e.data_start % 64, e.name).toBe(0);
  }
  return zipped;
}

describe.runIf(gate('python', 'python' in py, 'missing' in py ? py.missing : ''))(
  "against Debian's torch 1.13 and Python's zipfile",
  () => {
    it('torch.load(weights_only=True) gives exactly the tensors, in order', async () => {
      const path = join(dir, 'model_tp0_pp0.pt');
      await writeTorchStateDict(path, tensorsOf(SPECS, true));
      expectTorchSees(path, SPECS);
      expectZipOk(path, 'model_tp0_pp0', SPECS.length);
    });

    it("is byte for byte the file torch.save writes (torch 1.13's layout: byteorder off)", async () => {
      const specs = SPECS.slice(0, 10); // at most 10 storages: torch's string-sorted keys are then in numeric order too
      const theirs = join(dir, 'torch', 'shard.pt');
      const ours = join(dir, 'ours', 'shard.pt');
      await mkdir(join(dir, 'torch'), { recursive: true });
      const spec = tensorsOf(specs).map(([name, t]) => [name, t.dtype, t.shape, hex(t.data as Uint8Array)]);
      runCheck(['save', theirs], JSON.stringify(spec));
      await writeTorchStateDict(ours, tensorsOf(specs), { byteorder: false });
      expect(hex(await readFile(ours))).toBe(hex(await readFile(theirs)));
    });

    it('the ZIP64 layout (forced on a small file) is read by torch, zipfile and our reader alike', async () => {
      const specs = SPECS.slice(0, 5);
      const path = join(dir, 'zip64.pt');
      // sizes of 64 bytes or more and offsets past 64 get ZIP64 values, as past 4 GiB
      await writeTorchStateDictWith(path, tensorsOf(specs), {}, { zip64Threshold: 64 });
      const bytes = await readFile(path);
      expect(bytes.includes(Buffer.from([0x01, 0x00, 0x10, 0x00]))).toBe(true); // a ZIP64 extra field in a local header
      expectTorchSees(path, specs);
      expectZipOk(path, 'zip64', specs.length);
      const file = await loadTorchFile(path);
      try {
        const sd = stateDictOf(file);
        expect(hex(await (sd.get(specs[1][0]) as NonNullable<ReturnType<typeof sd.get>>).readBytes())).toBe(
          hex(tensorsOf(specs)[1][1].data as Uint8Array),
        );
      } finally {
        await file.close();
      }
    });
  },
);

describe('bad input', () => {
  const one = (t: Partial<TorchTensorToSave> & Record<string, unknown>, name = 'w'): [string, TorchTensorToSave][] => [
    [name, { dtype: 'float32', shape: [2], data: new Uint8Array(8), ...t } as TorchTensorToSave],
  ];
  const cases: [string, () => Iterable<[string, TorchTensorToSave]>, RegExp][] = [
    ['a duplicate name', () => [...one({}), ...one({})], /tensor "w": appears twice/],
    ['an unknown dtype', () => one({ dtype: 'int64' as never }), /dtype = "int64" is not written; allowed: float32, bfloat16, float16/],
    ['a negative size', () => one({ shape: [-1] }), /shape = \[-1\] must be an array of at most 64 integers >= 0/],
    ['a fractional size', () => one({ shape: [1.5] }), /shape = \[1\.5\]/],
    ['too few bytes', () => one({ data: new Uint8Array(7) }), /data holds 7 bytes but float32 \[2\] needs 8/],
    ['data of another type', () => one({ data: [1, 2] as never }), /data must be a Uint8Array or a function/],
    ['a name with a lone surrogate', () => one({}, 'a\uD800'), /lone UTF-16 surrogate/],
    ['an entry that is not a pair', () => [['w']] as never, /entry 0 must be a \[name, tensor\] pair/],
    [
      'a data function giving too many bytes',
      () => one({ data: () => new Uint8Array(12) }),
      /its data function returned 12 bytes but float32 \[2\] needs 8/,
    ],
    ['a data function giving no bytes', () => one({ data: async () => 'x' as never }), /its data function returned "x", not a Uint8Array/],
    [
      'a data function that throws',
      () =>
        one({
          data: () => {
            throw new RangeError('shard missing');
          },
        }),
      /its data function failed: shard missing/,
    ],
  ];
  for (const [what, entries, message] of cases) {
    it(`refuses ${what}, naming it, and leaves the old file and no temporary file`, async () => {
      const sub = await mkdtemp(join(dir, 'bad-'));
      const path = join(sub, 'x.pt');
      await writeFile(path, 'old');
      const error = await writeTorchStateDict(path, entries()).catch((e: unknown) => e);
      expect(CheckpointWriteError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(path);
      expect(await readdir(sub)).toEqual(['x.pt']);
      expect(await readFile(path, 'utf8')).toBe('old');
    });
  }

  it('keeps the cause of a failing data function and of a failing file system', async () => {
    const cause = new RangeError('shard missing');
    const error = await writeTorchStateDict(
      join(dir, 'c.pt'),
      one({
        data: () => {
          throw cause;
        },
      }),
    ).catch((e: unknown) => e);
    expect((error as Error).cause).toBe(cause);
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    const fsError = await writeTorchStateDict(join(blocker, 'x.pt'), one({})).catch((e: unknown) => e);
    expect(CheckpointWriteError.isInstance(fsError)).toBe(true);
    expect((fsError as Error).message).toMatch(/a-file\/x\.pt: cannot write the file \(E[A-Z]+/);
    expect((fsError as { cause?: { code?: string } }).cause?.code).toMatch(/^E[A-Z]+$/);
  });

  it('refuses archive names that are not one path segment, and entries that are not iterable', async () => {
    for (const archiveName of ['', 'a/b', '..', 'x\\y']) {
      expect(() => encodeTorchStateDict(one({}), { archiveName })).toThrow(/archiveName = .* is invalid/);
    }
    await expect(writeTorchStateDict(join(dir, '.pt'), one({}))).rejects.toThrow(/archiveName = "" is invalid/);
    expect(() => encodeTorchStateDict(42 as never)).toThrow(/entries must be an iterable of \[name, tensor\] pairs/);
    expect(() => encodeTorchStateDict(one({ data: async () => new Uint8Array(8) }))).toThrow(/returned a promise/);
    expect(() => encodeTorchStateDict(one({}), { archive: 'x' } as never)).toThrow(/archive/);
  });
});

describe('streaming', () => {
  it('checks every entry before producing any data, then produces one tensor at a time, in order', async () => {
    const calls: string[] = [];
    const lazy = (name: string): [string, TorchTensorToSave] => [
      name,
      {
        dtype: 'float32',
        shape: [2],
        data: () => {
          calls.push(name);
          return new Uint8Array(8);
        },
      },
    ];
    const error = await writeTorchStateDict(join(dir, 'late.pt'), [
      lazy('a'),
      lazy('b'),
      ['c', { dtype: 'float32', shape: [-2] } as never],
    ]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/tensor "c": shape/);
    expect(calls).toEqual([]);

    // When tensor i is asked for, tensor i-1 is already in the file on disk: the writer holds none of the earlier ones.
    const sub = await mkdtemp(join(dir, 'stream-'));
    const specs = SPECS.slice(0, 6);
    const expected = tensorsOf(specs);
    const seen: number[] = [];
    const entries = expected.map(([name, t], i): [string, TorchTensorToSave] => [
      name,
      {
        ...t,
        data: async () => {
          seen.push(i);
          const temp = (await readdir(sub)).filter((f) => f.includes('.tmp-'));
          expect(temp).toHaveLength(1);
          const onDisk = await readFile(join(sub, temp[0]));
          for (let j = 0; j < i; j++) {
            const previous = expected[j][1].data as Uint8Array;
            if (previous.length > 0)
              expect(onDisk.includes(Buffer.from(previous)), `tensor ${j} written before ${i} is asked for`).toBe(true);
          }
          expect((await stat(join(sub, temp[0]))).size).toBe(onDisk.length);
          return t.data as Uint8Array;
        },
      },
    ]);
    await writeTorchStateDict(join(sub, 'streamed.pt'), entries);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await readdir(sub)).toEqual(['streamed.pt']);
  });
});
