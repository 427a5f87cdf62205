// Fuzzing the flag parser (issue 18): arbitrary argv arrays, built from the flag names, values that
// look like numbers (negative, huge, NaN, exponent forms), `--name=value` forms, `--` and arbitrary
// Unicode, go through parseFlags and then through each flag's check (intFlag, numberFlag, parseIds).
// The promise: a result, or a UsageError (a tinylm error, so exit code 2), never another error.
// The cases and seed come from the shared harness's settings (TINYLM_FUZZ_RUNS, TINYLM_FUZZ_SEED).
import { isTinylmError } from '@tinylm/errors';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { FUZZ_RUNS, FUZZ_SEED } from '../../../tooling/fuzz/harness';
import { intFlag, numberFlag, type Options, parseFlags } from './args';
import { parseIds } from './commands/ids-flag';

const OPTIONS: Options = {
  'vocab-size': { type: 'string' },
  ids: { type: 'string' },
  lr: { type: 'string' },
  data: { type: 'string', multiple: true },
  count: { type: 'string', short: 'n' },
  json: { type: 'boolean' },
  force: { type: 'boolean', short: 'f' },
};
const NAMES = Object.keys(OPTIONS);

const numberLike = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc.constantFrom('-1', '0', '-0', '1e400', '-1e400', 'NaN', '-NaN', 'Infinity', '-Infinity', '', ' ', '0x10', '1_000', '-.5', '1,-2'),
);
const token = fc.oneof(
  fc.constantFrom(...NAMES.map((n) => `--${n}`), '-n', '-f', '-nf', '--', '-', '--unknown', '--=x', '---'),
  numberLike,
  fc.tuple(fc.constantFrom(...NAMES), numberLike).map(([n, v]) => `--${n}=${v}`),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Parses `argv` and runs every value through each check; throws what they throw. */
function parseAndCheck(argv: string[]): void {
  const { values } = parseFlags(argv, OPTIONS, 'tinylm fuzz');
  for (const value of Object.values(values).flat()) {
    if (typeof value !== 'string') continue;
    for (const check of [
      () => intFlag('vocab-size', value),
      () => intFlag('seed', value, 0, 0, 1000),
      () => numberFlag('lr', value, 1, { above: 0, below: 1 }),
      () => numberFlag('clip', value),
      () => parseIds(value),
    ]) {
      try {
        check();
      } catch (e) {
        if (!isTinylmError(e, 'UsageError')) throw e;
        if (!/^--/.test((e as Error).message)) throw new Error(`a flag error that names no flag: ${(e as Error).message}`);
      }
    }
  }
}

describe('fuzz: flag parsing', () => {
  it(`${FUZZ_RUNS} argv arrays give values or a UsageError, never another error`, () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), (argv) => {
        try {
          parseAndCheck(argv);
        } catch (e) {
          if (!isTinylmError(e, 'UsageError')) throw e;
        }
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });
});
