// GGUF v3 files from writeGguf, read back by an independent parser (node-llama-cpp's
// readGgufFileInfo, pure JavaScript) and by offset.
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputExistsError } from '@tinylm/hf-io';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgufExportError } from './errors';
import { writeGguf } from './gguf-writer';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert2hf-gguf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeGguf', () => {
  it('writes header, typed metadata, tensor infos and aligned data that another reader parses', async () => {
    const path = join(dir, 'a.gguf');
    const w = Float32Array.from({ length: 6 }, (_, i) => i + 0.5);
    const h = new Uint16Array([0x3c00, 0xc000, 0x3800]); // f16 1, -2, 0.5
    const written = await writeGguf(path, {
      metadata: [
        ['general.architecture', { type: 'string', value: 'llama' }],
        ['test.u32', { type: 'uint32', value: 7 }],
        ['test.f32', { type: 'float32', value: 0.25 }],
        ['test.bool', { type: 'bool', value: true }],
        ['test.i64', { type: 'int64', value: -5n }],
        ['test.strings', { type: 'array', itemType: 'string', values: ['a', 'ü', ''] }],
        ['test.ints', { type: 'array', itemType: 'int32', values: new Int32Array([1, -2, 3]) }],
      ],
      tensors: [
        { name: 'w', type: 'F32', shape: [2, 3], data: async () => new Uint8Array(w.buffer) },
        { name: 'h', type: 'F16', shape: [3], data: async () => new Uint8Array(h.buffer) },
      ],
    });
    const info = await readGgufFileInfo(path);
    expect(info.version).toBe(3);
    expect(Number(info.tensorCount)).toBe(2);
    const md = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(md.general).toMatchObject({ architecture: 'llama', alignment: 32 });
    expect(md.test).toMatchObject({ u32: 7, f32: 0.25, bool: true, strings: ['a', 'ü', ''], ints: [1, -2, 3] });
    expect(Number(md.test.i64)).toBe(-5);
    const tensors = info.fullTensorInfo ?? [];
    expect(tensors.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType, Number(t.offset)])).toEqual([
      ['w', [3, 2], 0, 0], // dimensions innermost first
      ['h', [3], 1, 32], // aligned to 32
    ]);
    const bytes = new Uint8Array(await readFile(path));
    expect(written.dataOffset % 32).toBe(0);
    expect(bytes.length).toBe(written.fileSize);
    expect([...new Float32Array(bytes.slice(written.dataOffset, written.dataOffset + 24).buffer)]).toEqual([...w]);
    expect([...new Uint16Array(bytes.slice(written.dataOffset + 32, written.dataOffset + 38).buffer)]).toEqual([...h]);
    expect(bytes.length % 32).toBe(0); // padded after the last tensor too
  });

  it('validates before writing and leaves nothing on failure; refuses to replace without force', async () => {
    const path = join(dir, 'b.gguf');
    await expect(writeGguf(path, { metadata: [['x', { type: 'uint8', value: 300 }]], tensors: [] })).rejects.toThrow(GgufExportError);
    await expect(
      writeGguf(path, { metadata: [], tensors: [{ name: 't', type: 'F32', shape: [2], data: async () => new Uint8Array(4) }] }),
    ).rejects.toThrow(/4 bytes produced, 8 expected/);
    await expect(readFile(path)).rejects.toThrow();
    await writeFile(path, 'mine');
    await expect(writeGguf(path, { metadata: [], tensors: [] })).rejects.toSatisfy((e: unknown) => OutputExistsError.isInstance(e));
    expect((await writeGguf(path, { metadata: [], tensors: [], force: true })).tensorCount).toBe(0);
  });
});
