// Fuzzing the sharded-checkpoint index (docs/security.md): mutants of a valid
// `model.safetensors.index.json` are written into a folder holding two real shards, and the
// folder is opened; it must open, or be refused with a tinylm error (a bad shard name, a
// missing shard or tensor, bad JSON), in bounded time and memory.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'vitest';
import { FUZZ_TIMEOUT_MS, fuzz, jsonMutants } from '../../../tooling/fuzz/harness';
import { useTempDir } from './__fixtures__/temp';
import { openHfCheckpoint } from './hf-checkpoint';
import { serializeSafetensors } from './safetensors-bytes';

const tmp = useTempDir();
const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];

beforeEach(async () => {
  const f = new Float32Array([1, 2, 3, 4]);
  await writeFile(join(tmp.dir, SHARDS[0]), await serializeSafetensors([{ name: 'a', dtype: 'F32', shape: [2, 2], data: f }]));
  await writeFile(
    join(tmp.dir, SHARDS[1]),
    await serializeSafetensors([
      { name: 'b', dtype: 'F32', shape: [4], data: f },
      { name: 'c.weight', dtype: 'F32', shape: [1, 4], data: f },
    ]),
  );
});

const seeds = [
  { metadata: { total_size: 48 }, weight_map: { a: SHARDS[0], b: SHARDS[1], 'c.weight': SHARDS[1] } },
  { weight_map: { a: SHARDS[0], b: SHARDS[1] } },
  { metadata: { total_size: 16, format: 'pt', nested: { list: [1, 2, [3]] } }, weight_map: { a: SHARDS[0] } },
];

describe('openHfCheckpoint (sharded index) under fuzzing', () => {
  it(
    'opens or refuses every mutant index cleanly',
    async () => {
      await fuzz('hf-index', jsonMutants(seeds), async (input) => {
        await writeFile(join(tmp.dir, 'model.safetensors.index.json'), input);
        const checkpoint = await openHfCheckpoint(tmp.dir);
        try {
          for (const t of checkpoint.tensors) await checkpoint.readTensor(t.name);
        } finally {
          await checkpoint.close();
        }
      });
    },
    FUZZ_TIMEOUT_MS,
  );
});
