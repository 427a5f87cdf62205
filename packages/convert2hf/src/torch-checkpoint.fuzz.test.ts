// Fuzzing the zip reader and the torch.save reader end to end with the shared harness
// (tooling/fuzz/harness.ts): mutants of the real PyTorch checkpoints in src/__fixtures__ (stored
// and deflated archives, a state dict at pickle protocols 2 and 4, InternEvo's model config, a cut
// pickle, a malicious one) are written to a file and opened, and every entry or tensor is read.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { FUZZ_TIMEOUT_MS, fuzz, fuzzScratchDir, mutants } from '../../../tooling/fuzz/harness';
import { INTERNEVO_CONFIG_GLOBALS } from './internevo-config';
import { toPlain } from './pickle-plain';
import { loadTorchFile, stateDictOf } from './torch-checkpoint';
import { openZip } from './zip-reader';
import { FIXTURES } from './__fixtures__/paths';
import { billionLaughs, op, tensorStateDict } from './__fixtures__/pickle-bytes';
import { torchZip } from './__fixtures__/zip-bytes';

const float = (x: number) => new Uint8Array(Float32Array.of(x).buffer);
const SEEDS = [
  ...['state-dict.pt', 'state-dict-p4.pt', 'deflated.pt', 'model-config.pt', 'cut-pickle.pt', 'evil.pt'].map(
    (f) => new Uint8Array(readFileSync(join(FIXTURES, f))),
  ),
  // shapes the real fixtures lack, built with the test writers: ZIP64 extra fields, a stride-0
  // (expand) view whose 4-byte size a mutation can blow up, a config of shared references
  torchZip(tensorStateDict('w', 2, [op.int4(1000), op.int1(2)], [op.int1(0), op.int1(1)]), { '0': new Uint8Array(8) }, true),
  torchZip(tensorStateDict('w', 1, [op.int4(4096)], [op.int1(0)]), { '0': float(1.5) }),
  torchZip(billionLaughs(12)),
];
/** Entries read per archive: enough for every seed; an archive of many overlapping entries costs each read again. */
const MAX_ENTRIES_READ = 32;

const dir = fuzzScratchDir('convert2hf');

describe('fuzz: torch checkpoints', () => {
  it(
    'zip reader: opens mutated archives and reads their entries',
    async () => {
      const path = join(dir, 'fuzz.zip');
      await fuzz('zip', mutants(SEEDS), async (input) => {
        writeFileSync(path, input);
        const zip = await openZip(path);
        try {
          for (const name of [...zip.entries.keys()].slice(0, MAX_ENTRIES_READ)) {
            const entry = zip.entry(name);
            await zip.read(name);
            if (entry.size > 2) await zip.readRange(name, 1, entry.size - 2);
          }
        } finally {
          await zip.close();
        }
      });
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'loadTorchFile: opens mutated checkpoints, reads their config and every tensor',
    async () => {
      const path = join(dir, 'fuzz.pt');
      await fuzz('torch-checkpoint', mutants(SEEDS), async (input) => {
        writeFileSync(path, input);
        const file = await loadTorchFile(path, { extraGlobals: INTERNEVO_CONFIG_GLOBALS });
        try {
          toPlain(file.object, { source: path, maxNodes: 1024 + 16 * file.pickleBytes });
          for (const tensor of stateDictOf(file, { skipNonTensors: true }).values()) await tensor.readFloat32();
        } finally {
          await file.close();
        }
      });
    },
    FUZZ_TIMEOUT_MS,
  );
});
