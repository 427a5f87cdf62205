// Fuzzing config_file.pt's text scan (the pickle and zip around it have their own targets) with
// the shared harness: mutants of real training configs. Only tinylm errors, bounded time.
import { describe, it } from 'vitest';
import { FUZZ_TIMEOUT_MS, fuzz, mutants } from '../../../tooling/fuzz/harness';
import { parseInternEvoConfigText } from './internevo-config-file';

const seeds = [
  'JOB_NAME = "1b"\nSEQ_LEN = 2048\nmodel_type = "LLAMA2"\nmodel = dict(\n    num_layers=18,\n    adapt_hf=False,\n)\n',
  'model_type = "INTERNLM2_PUBLIC"  # comment\nmodel = dict(qk_interleaved=True, adapt_hf=True)\nSEQ_LEN = 4096\n',
  `${'# '.repeat(500)}\nmodel_type='${'A'.repeat(300)}'\n`,
].map((s) => new TextEncoder().encode(s));

describe('fuzz: InternEvo config_file text', () => {
  it(
    'holds the readers promise on mutated configs',
    async () => {
      await fuzz('internevo-config-file', mutants(seeds), (input) =>
        parseInternEvoConfigText(new TextDecoder().decode(input), 'config_file.pt'),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
