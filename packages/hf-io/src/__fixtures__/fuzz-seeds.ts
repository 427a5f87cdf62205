// Test support: valid inputs built with this package's own writers, the seeds the fuzz targets
// mutate (a few dtypes and shapes, metadata, a scalar and an empty tensor).

import { serializeSafetensors } from '../safetensors-bytes';
import { sampleTensors } from './samples';

/** A handful of valid safetensors files, from tiny to a few kilobytes. */
export async function safetensorsSeeds(): Promise<Uint8Array[]> {
  const s = sampleTensors();
  return [
    await serializeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 3], data: s.F32 }]),
    await serializeSafetensors(
      [
        { name: 'model.embed_tokens.weight', dtype: 'F16', shape: [2, 3], data: s.F16 },
        { name: 'model.norm.weight', dtype: 'BF16', shape: [6], data: s.BF16 },
        { name: 'scalar', dtype: 'I64', shape: [], data: new BigInt64Array([7n]) },
        { name: 'empty', dtype: 'U8', shape: [0, 4], data: new Uint8Array(0) },
      ],
      { metadata: { format: 'pt', note: 'fuzz seed' } },
    ),
    await serializeSafetensors([{ name: 'big', dtype: 'F32', shape: [16, 32], data: new Float32Array(512).map((_, i) => i / 7) }]),
  ];
}
