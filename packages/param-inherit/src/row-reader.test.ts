// Streamed row reads: kept rows come back packed and in order, whatever the chunking and gap
// merging, and BF16 decodes exactly (negative values included).
import { join } from 'node:path';
import { bf16ArrayToFloat32, float32ArrayToBf16, openHfCheckpoint, writeSafetensors } from '@tinylm/hf-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/models';
import { readRowChunks, runsOf, toFloat32 } from './row-reader';

let tmp: Awaited<ReturnType<typeof tempDir>>;
const ROWS = 3000;
const K = 100; // 400 bytes a row in F32: the 1 MiB gap rule merges gaps up to 2621 rows
beforeAll(async () => {
  tmp = await tempDir('rows');
  const data = Float32Array.from({ length: ROWS * K }, (_, i) => i);
  await writeSafetensors(join(tmp.dir, 'model.safetensors'), [{ name: 'w', dtype: 'F32', shape: [ROWS, K], data }]);
});
afterAll(async () => tmp.cleanup());

describe('readRowChunks', () => {
  it('runs', () => {
    expect(runsOf([0, 1, 2, 5, 7, 8])).toEqual([
      [0, 3],
      [5, 6],
      [7, 9],
    ]);
  });

  for (const maxBytes of [400, 4000, 1 << 20, 1 << 24]) {
    it(`returns exactly the kept rows, packed, in order (chunks of ${maxBytes} bytes)`, async () => {
      const ck = await openHfCheckpoint(tmp.dir);
      const rows = [0, 1, 2, 10, 11, 500, 2999];
      const got: number[] = [];
      const values: number[] = [];
      for await (const chunk of readRowChunks(ck, 'w', rows, maxBytes)) {
        expect(chunk.data.byteLength).toBe(chunk.rows.length * K * 4);
        expect(chunk.data.byteLength).toBeLessThanOrEqual(Math.max(maxBytes, K * 4));
        got.push(...chunk.rows);
        const f = toFloat32(chunk.data, 'F32');
        chunk.rows.forEach((_, i) => values.push(f[i * K]));
      }
      expect(got).toEqual(rows);
      expect(values).toEqual(rows.map((r) => r * K));
      let all = 0;
      for await (const chunk of readRowChunks(ck, 'w', null, maxBytes)) all += chunk.rows.length;
      expect(all).toBe(ROWS);
      await ck.close();
    });
  }
});

describe('toFloat32', () => {
  it('decodes BF16 exactly into a reused scratch buffer', () => {
    const x = Float32Array.from([1, -1, 0.15625, -3.5e-3, 65504, -0, 1e-30]);
    const bits = float32ArrayToBf16(x);
    const bytes = new Uint8Array(bits.buffer);
    const scratch = new Float32Array(16);
    const got = toFloat32(bytes, 'BF16', scratch);
    expect(got.buffer).toBe(scratch.buffer);
    expect(Array.from(got)).toEqual(Array.from(bf16ArrayToFloat32(bits)));
  });
});
