// Fuzzing the in-memory safetensors reader (docs/security.md): mutants of valid files must be
// read, or refused with a tinylm error, in bounded time and memory; every tensor the header
// accepts must then be readable.

import { describe, it } from 'vitest';
import { FUZZ_TIMEOUT_MS, fuzz, mutants } from '../../../tooling/fuzz/harness';
import { safetensorsSeeds } from './__fixtures__/fuzz-seeds';
import { parseSafetensors } from './safetensors-bytes';

describe('parseSafetensors under fuzzing', () => {
  it(
    'reads or refuses every mutant cleanly',
    async () => {
      await fuzz('safetensors-bytes', mutants(await safetensorsSeeds()), (input) => {
        const file = parseSafetensors(input, { file: 'fuzz.safetensors' });
        for (const t of file.tensors) {
          file.readTensor(t.name);
          file.readTensorAsFloat32(t.name);
          if (t.shape.length > 0 && t.shape[0] > 0) file.readTensor(t.name, { rows: [0, 1] });
        }
      });
    },
    FUZZ_TIMEOUT_MS,
  );
});
