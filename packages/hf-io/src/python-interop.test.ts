// Interop with a reader/writer no one here wrote: __fixtures__/safetensors_ref.py follows the
// format spec with numpy and json, and uses torch for bfloat16 (torch.frombuffer) and numpy's
// astype(float16) for F16. Skipped with a printed reason when /usr/bin/python3 or numpy (or, for
// the BF16 checks, torch) is missing, unless TINYLM_REQUIRE names "python" (or "torch").

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { float32ArrayToBf16 } from './bfloat16';
import { openSafetensors } from './safetensors-file';
import { writeSafetensors } from './write-safetensors';
import { probePython, requiredTools, runPython } from './__fixtures__/python';
import { useTempDir } from './__fixtures__/temp';

interface Described {
  dtype: string;
  shape: number[];
  f32bits?: number[];
  bits16?: number[];
  ints?: string[];
}

const probe = probePython();
const required = requiredTools();
const tmp = useTempDir();
const f32Bits = (values: Float32Array) => [...new Uint32Array(values.buffer, values.byteOffset, values.length)];

if (!probe.numpy) {
  if (required.has('python') || required.has('torch')) {
    it('python interop (required by TINYLM_REQUIRE)', () => {
      throw new Error(`TINYLM_REQUIRE=${process.env.TINYLM_REQUIRE} but ${probe.reason}`);
    });
  } else {
    console.log(`skipping python interop tests: ${probe.reason}`);
  }
} else if (!probe.torch) {
  if (required.has('torch')) {
    it('torch interop (required by TINYLM_REQUIRE)', () => {
      throw new Error(`TINYLM_REQUIRE=${process.env.TINYLM_REQUIRE} but ${probe.reason}`);
    });
  } else {
    console.log(`skipping the BF16 parts of the python interop tests: ${probe.reason}`);
  }
}

describe.skipIf(!probe.numpy)('python (numpy + torch) interop', () => {
  it('reads a file Python wrote: F32, F16, BF16, I64, I32, U8, BOOL, F64, an empty tensor, unaligned offsets', async () => {
    const path = join(tmp.dir, 'from-python.safetensors');
    const expected = JSON.parse(runPython(['write', path])) as {
      metadata: Record<string, string>;
      tensors: Record<string, Described>;
    };
    const file = await openSafetensors(path);
    try {
      expect(file.metadata).toEqual(expected.metadata);
      expect(file.tensors.map((t) => t.name).sort()).toEqual(Object.keys(expected.tensors).sort());
      if (probe.torch) expect(expected.tensors.bf16).toBeDefined();
      for (const [name, want] of Object.entries(expected.tensors)) {
        const info = file.info(name);
        expect([info.dtype, info.shape], name).toEqual([want.dtype, want.shape]);
        if (want.f32bits) {
          expect(f32Bits(await file.readTensorAsFloat32(name)), name).toEqual(want.f32bits);
        }
        if (want.bits16) expect([...((await file.readTensor(name)) as Uint16Array)], name).toEqual(want.bits16);
        if (want.ints) {
          const got = await file.readTensor(name);
          expect(Array.from(got as ArrayLike<number | bigint>, String), name).toEqual(want.ints);
        }
      }
      // Row ranges of a tensor Python wrote.
      const rows = await file.readTensorAsFloat32('model.embed_tokens.weight', { rows: [2, 4] });
      expect(f32Bits(rows)).toEqual(expected.tensors['model.embed_tokens.weight'].f32bits?.slice(16));
    } finally {
      await file.close();
    }
  });

  it('Python parses a file we wrote, and numpy/torch round float32 to F16/BF16 exactly as we do', async () => {
    // Edge values (ties, subnormals, overflow, Inf, NaN) plus random values over many exponents.
    const edge = [
      0,
      -0,
      1,
      -2.5,
      65504,
      65519,
      65520,
      1e-8,
      3.4e38,
      Infinity,
      -Infinity,
      NaN,
      1 + 2 ** -11,
      1 + 3 * 2 ** -11,
      1 + 2 ** -8,
      1 + 3 * 2 ** -8,
      2 ** -24,
      2 ** -25,
      3 * 2 ** -25,
      1023.5 * 2 ** -24,
      2 ** -14,
    ];
    const src = new Float32Array(4096);
    src.set(edge);
    let seed = 7;
    const bits = new Uint32Array(src.buffer);
    for (let i = edge.length; i < src.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const exp = 95 + (seed % 60);
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bits[i] = ((seed & 1) << 31) | (exp << 23) | ((i % 5 === 0 ? (seed & 0x7fe000) | 0x1000 : seed) & 0x7fffff);
    }
    const ids = new BigInt64Array([0n, -1n, 2n ** 62n + 1n, -(2n ** 63n), 2n ** 63n - 1n]);
    const path = join(tmp.dir, 'from-ts.safetensors');
    await writeSafetensors(path, [
      { name: 'src', dtype: 'F32', shape: [64, 64], data: src },
      { name: 'as_f16', dtype: 'F16', shape: [64, 64], data: src },
      { name: 'as_bf16', dtype: 'BF16', shape: [64, 64], data: async () => src },
      { name: 'ids', dtype: 'I64', shape: [5], data: ids },
      { name: 'mask', dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
      { name: 'scalar', dtype: 'F64', shape: [], data: new Float64Array([0.25]) },
    ]);
    const parsed = JSON.parse(runPython(['read', path])) as {
      headerSize: number;
      metadata: Record<string, string>;
      tensors: Record<string, Described & { begin: number }>;
      reference: { f16bits: number[]; bf16bits?: number[] };
    };
    expect(parsed.metadata).toEqual({ format: 'pt' });
    expect(parsed.headerSize % 8).toBe(0);
    expect(parsed.tensors.src.f32bits).toEqual(f32Bits(src));
    expect(parsed.tensors.ids.ints).toEqual([...ids].map(String));
    expect(parsed.tensors.mask.ints).toEqual(['1', '0']);
    expect(parsed.tensors.scalar).toMatchObject({ shape: [], f32bits: f32Bits(new Float32Array([0.25])) });

    // F16: our rounding vs numpy's astype(float16), bit for bit (NaN payloads may differ).
    const ourF16 = parsed.tensors.as_f16.bits16 as number[];
    expect(ourF16).toHaveLength(4096);
    expect(parsed.reference.f16bits).toHaveLength(4096);
    const isNaN16 = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    ourF16.forEach((h, i) => {
      const ref = parsed.reference.f16bits[i];
      if (!(isNaN16(h) && isNaN16(ref)) && h !== ref) {
        throw new Error(`F16 of 0x${bits[i].toString(16)}: ours 0x${h.toString(16)}, numpy 0x${ref.toString(16)}`);
      }
    });

    if (probe.torch) {
      // BF16: decoded by torch.frombuffer(..., dtype=torch.bfloat16).float(), and our rounding vs torch's.
      const bf = float32ArrayToBf16(src);
      const widened = new Uint32Array(bf.length).map((_, i) => bf[i] << 16);
      expect(parsed.tensors.as_bf16.f32bits).toEqual([...widened]);
      const ref = parsed.reference.bf16bits as number[];
      expect(ref).toHaveLength(4096);
      const isNaNBf = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
      (parsed.tensors.as_bf16.bits16 as number[]).forEach((h, i) => {
        if (!(isNaNBf(h) && isNaNBf(ref[i])) && h !== ref[i]) {
          throw new Error(`BF16 of 0x${bits[i].toString(16)}: ours 0x${h.toString(16)}, torch 0x${ref[i].toString(16)}`);
        }
      });
    }
  });
});
