// Fuzzing the restricted unpickler (and the plain-data conversion of what it builds) with the
// shared harness (tooling/fuzz/harness.ts): mutants of real pickles, CPython's at every protocol
// (src/__fixtures__/make-fixtures.py), torch.save's data.pkl, InternEvo's model config, a
// malicious one and a small billion-laughs graph. Only tinylm errors, bounded time and memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { FUZZ_TIMEOUT_MS, fuzz, mutants } from '../../../tooling/fuzz/harness';
import { INTERNEVO_CONFIG_GLOBALS } from './internevo-config';
import { unpickle } from './pickle';
import { toPlain } from './pickle-plain';
import { TORCH_GLOBALS } from './torch-checkpoint';
import { openZip } from './zip-reader';
import { billionLaughs, op, pickle } from './__fixtures__/pickle-bytes';
import { FIXTURES } from './__fixtures__/paths';

async function torchPickle(file: string): Promise<Uint8Array> {
  const zip = await openZip(join(FIXTURES, file));
  try {
    return await zip.read([...zip.entries.keys()].find((n) => n.endsWith('/data.pkl'))!);
  } finally {
    await zip.close();
  }
}

const globals = { ...TORCH_GLOBALS, ...INTERNEVO_CONFIG_GLOBALS };

describe('fuzz: unpickle', () => {
  it(
    'holds the readers promise on mutated pickles',
    async () => {
      const seeds = [
        ...[0, 1, 2, 3, 4, 5].map((p) => new Uint8Array(readFileSync(join(FIXTURES, `data-p${p}.pkl`)))),
        await torchPickle('state-dict.pt'),
        await torchPickle('state-dict-p4.pt'),
        await torchPickle('model-config.pt'),
        await torchPickle('evil.pt'),
        billionLaughs(8),
        // opcodes the fixtures barely use, with arguments a mutation can push past their limits
        pickle(op.PROTO2, op.MARK, op.long(new Uint8Array(1000).fill(0x5a)), op.unicodeLine('\\U0010ffff\\u00e9'), op.TUPLE, op.STOP),
        pickle(
          op.PROTO2,
          op.EMPTY_LIST,
          op.MARK,
          'K\x07'.repeat(1000),
          op.APPENDS,
          op.EMPTY_SET,
          op.MARK,
          'K\x08'.repeat(100),
          op.ADDITEMS,
          op.TUPLE2,
          op.STOP,
        ),
        pickle(op.global('collections', 'OrderedDict'), op.EMPTY_TUPLE, op.REDUCE, op.STOP),
      ];
      await fuzz('pickle', mutants(seeds), (input) => {
        // persistent ids come back as they are: the storages' rebuild then refuses them by name
        const value = unpickle(input, { globals, source: 'fuzz.pkl', persistentLoad: (pid) => pid });
        toPlain(value, { source: 'fuzz.pkl', maxNodes: 1024 + 16 * input.length });
      });
    },
    FUZZ_TIMEOUT_MS,
  );
});
