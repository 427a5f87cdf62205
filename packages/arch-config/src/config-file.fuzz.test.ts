// Fuzzing the config.json reader (docs/security.md): mutants of published configs (Llama-2,
// TinyLlama, Mistral, GPT-2) and of this package's own shape are written to a file and loaded;
// each must give a validated config or a tinylm error, in bounded time and memory. A config
// that loads must also give a memory estimate (arithmetic only, nothing allocated).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { FUZZ_TIMEOUT_MS, fuzz, fuzzScratchDir, jsonMutants } from '../../../tooling/fuzz/harness';
import { loadConfigFile } from './config-file';
import { trainingMemory } from './memory';

const FIXTURES = join(__dirname, '__fixtures__');
const seeds = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
const dir = fuzzScratchDir('arch-config');

describe('loadConfigFile under fuzzing', () => {
  it(
    'loads or refuses every mutant config.json cleanly',
    async () => {
      const path = join(dir, 'config.json');
      await fuzz('config-json', jsonMutants(seeds), async (input) => {
        writeFileSync(path, input);
        const config = await loadConfigFile(path);
        trainingMemory(config, { batch: 1, seqLen: 16 });
      });
    },
    FUZZ_TIMEOUT_MS,
  );
});
