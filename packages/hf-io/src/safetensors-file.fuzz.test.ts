// Fuzzing the streamed safetensors reader (docs/security.md): each mutant is written to a file
// and opened from disk; it must be read, or refused with a tinylm error, in bounded time and
// memory, and the file handle closed either way.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { FUZZ_TIMEOUT_MS, fuzz, mutants } from '../../../tooling/fuzz/harness';
import { safetensorsSeeds } from './__fixtures__/fuzz-seeds';
import { useTempDir } from './__fixtures__/temp';
import { withSafetensors } from './safetensors-file';

const tmp = useTempDir();

describe('openSafetensors under fuzzing', () => {
  it(
    'reads or refuses every mutant file cleanly',
    async () => {
      const path = join(tmp.dir, 'fuzz.safetensors');
      await fuzz('safetensors-file', mutants(await safetensorsSeeds()), async (input) => {
        await writeFile(path, input);
        await withSafetensors(path, async (file) => {
          for (const t of file.tensors) {
            await file.readTensor(t.name);
            if (t.shape.length > 0 && t.shape[0] > 0) await file.readTensorAsFloat32(t.name, { rows: [0, 1] });
          }
        });
      });
    },
    FUZZ_TIMEOUT_MS,
  );
});
