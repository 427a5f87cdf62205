// Header layout and serialization, byte-exact against the reference writer's own test vectors.

import { describe, expect, it } from 'vitest';
import { dtypeByteSize } from './dtype';
import { SafetensorsWriteError } from './errors';
import { parseSafetensorsHeader } from './header-parse';
import { layoutSafetensors } from './header-serialize';
import { serializeSafetensors } from './safetensors-bytes';
import { caught } from './__fixtures__/raw-safetensors';

const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

// Byte-exact vectors from the reference implementation's own tests
// (huggingface/safetensors, safetensors/src/tensor.rs: test_serialization, test_empty,
// test_serialization_forced_alignement).
describe('byte-exact against the reference serializer', () => {
  it('test_serialization: "attn.0" F32 [1, 2, 3]', async () => {
    const out = await serializeSafetensors(
      [{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) }],
      { metadata: null },
    );
    expect([...out]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44,
      34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34,
      58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('test_serialization_forced_alignement: the header is padded with spaces to 8 bytes', async () => {
    const out = await serializeSafetensors([{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], data: f32Bytes([0, 1, 2, 3, 4, 5]) }], {
      metadata: null,
    });
    expect([...out]).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34,
      115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115,
      34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32, 32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128,
      64, 0, 0, 160, 64,
    ]);
  });

  it('test_empty: no tensors, without and with metadata', async () => {
    expect([...(await serializeSafetensors([], { metadata: null }))]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect([...(await serializeSafetensors([], { metadata: { framework: 'pt' } }))]).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119,
      111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });
});

describe('layoutSafetensors', () => {
  it('writes {"format":"pt"} metadata by default, first in the header', () => {
    const { header } = layoutSafetensors([{ name: 'w', dtype: 'F32', shape: [1] }]);
    const text = new TextDecoder().decode(header.subarray(8));
    expect(text.startsWith('{"__metadata__":{"format":"pt"},"w":')).toBe(true);
  });

  it('orders by descending element size (stable), so every tensor is aligned', () => {
    const layout = layoutSafetensors([
      { name: 'mask', dtype: 'BOOL', shape: [3] },
      { name: 'w1', dtype: 'F32', shape: [3] },
      { name: 'h', dtype: 'BF16', shape: [1] },
      { name: 'ids', dtype: 'I64', shape: [2] },
      { name: 'w2', dtype: 'F32', shape: [1] },
    ]);
    expect(layout.tensors.map((t) => t.name)).toEqual(['ids', 'w1', 'w2', 'h', 'mask']);
    const dataStart = layout.header.length;
    expect(dataStart % 8).toBe(0);
    for (const t of layout.tensors) expect((dataStart + t.dataOffsets[0]) % dtypeByteSize(t.dtype)).toBe(0);
    // The header it builds is one the parser accepts, with the same offsets.
    const parsed = parseSafetensorsHeader(layout.header);
    expect(parsed.tensors).toEqual(layout.tensors);
    expect(layout.fileSize).toBe(dataStart + 16 + 12 + 4 + 2 + 3);
  });

  it('keeps integer-like and unicode names verbatim', () => {
    const layout = layoutSafetensors([
      { name: '10', dtype: 'U8', shape: [1] },
      { name: '2', dtype: 'U8', shape: [1] },
      { name: 'poids.é"\\', dtype: 'U8', shape: [1] },
    ]);
    expect(parseSafetensorsHeader(layout.header).tensors.map((t) => t.name)).toEqual(['10', '2', 'poids.é"\\']);
  });

  it('rejects bad specs, naming the file and tensor', async () => {
    const cases: [Parameters<typeof layoutSafetensors>[0], RegExp][] = [
      [
        [
          { name: 'a', dtype: 'F32', shape: [1] },
          { name: 'a', dtype: 'F32', shape: [1] },
        ],
        /out\.safetensors: tensor "a": appears twice/,
      ],
      [[{ name: '__metadata__', dtype: 'F32', shape: [1] }], /tensor "__metadata__": "__metadata__" is reserved/],
      [[{ name: 'a', dtype: 'F8' as 'F32', shape: [1] }], /tensor "a": dtype "F8" is not supported; allowed: BOOL/],
      [[{ name: 'a', dtype: 'F32', shape: [1.5] }], /tensor "a": shape \[1.5\] must be an array of non-negative integers/],
    ];
    for (const [specs, message] of cases) {
      const error = await caught(() => layoutSafetensors(specs, { file: 'out.safetensors' }));
      expect(SafetensorsWriteError.isInstance(error)).toBe(true);
      expect(error.message).toMatch(message);
    }
    const error = await caught(() => layoutSafetensors([], { metadata: { epoch: 3 as unknown as string } }));
    expect(error.message).toMatch(/metadata field "epoch" is 3; metadata values must be strings/);
  });
});
