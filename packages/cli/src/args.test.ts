// Flag parsing against hostile values (issue 18): a negative number reaches the flag's own check
// instead of parseArgs' "argument is ambiguous", and every numeric flag of every command refuses
// negative, non-integer, NaN, huge and empty values with a UsageError naming the flag and what is
// allowed, before any file is read or any backend started.
import { isTinylmError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import { intFlag, numberFlag, parseFlags, UsageError } from './args';
import { captureIo } from './capture-io';
import { parseIds } from './commands/ids-flag';
import { runCli } from './run-cli';

const VALUE = { 'vocab-size': { type: 'string' }, ids: { type: 'string' }, json: { type: 'boolean' } } as const;

describe('parseFlags and negative values', () => {
  it('passes `--vocab-size -1` and `--ids -1,2` to the flags as values (node reads `-1` as an option)', () => {
    expect(parseFlags(['--vocab-size', '-1'], VALUE, 'u').values['vocab-size']).toBe('-1');
    expect(parseFlags(['--ids', '-1,2', '--json'], VALUE, 'u').values).toEqual({ ids: '-1,2', json: true });
    expect(parseFlags(['--vocab-size', '-.5'], VALUE, 'u').values['vocab-size']).toBe('-.5');
    expect(parseFlags(['--vocab-size', '-Infinity'], VALUE, 'u').values['vocab-size']).toBe('-Infinity');
    expect(parseFlags(['--vocab-size=-3'], VALUE, 'u').values['vocab-size']).toBe('-3');
  });

  it('joins a short option to a negative value too, and leaves everything after `--` as it is', () => {
    const opts = { count: { type: 'string', short: 'n' } } as const;
    expect(parseFlags(['-n', '-4'], opts, 'u').values.count).toBe('-4');
    expect(parseFlags(['--', '--count', '-1'], opts, 'u').positionals).toEqual(['--count', '-1']);
  });

  it('still refuses a boolean flag followed by a number and an option where a value belongs, as UsageErrors', () => {
    expect(() => parseFlags(['--json', '-1'], VALUE, 'tinylm x')).toThrow(UsageError);
    expect(() => parseFlags(['--vocab-size', '--json'], VALUE, 'tinylm x')).toThrow(/usage: tinylm x/);
  });

  it('cuts parseArgs messages that quote a huge argument', () => {
    const huge = `--${'x'.repeat(100_000)}`;
    let error: unknown;
    try {
      parseFlags([huge], VALUE, 'tinylm x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(isTinylmError(error, 'UsageError')).toBe(true);
    expect((error as Error).message.length).toBeLessThan(1000);
  });
});

describe('intFlag, numberFlag and parseIds refuse hostile values', () => {
  it.each(['-1', '0', '1.5', 'NaN', 'abc', '1e400', '-Infinity', '', '   ', '9007199254740993', '1e20'])('intFlag refuses %j', (v) => {
    expect(() => intFlag('vocab-size', v)).toThrow(new RegExp(`^--vocab-size must be a positive integer, got ${JSON.stringify(v)}$`));
  });

  it('names the lower and upper bounds it was given', () => {
    expect(() => intFlag('seed', '-1', 0, 0)).toThrow(/^--seed must be an integer >= 0, got "-1"$/);
    expect(() => intFlag('top', '11', undefined, 0, 10)).toThrow(/^--top must be an integer >= 0 and <= 10, got "11"$/);
    expect(intFlag('seed', '0', 5, 0)).toBe(0);
    expect(intFlag('seed', '9007199254740991', 5, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(['-1', 'NaN', '1e400', '-1e400', '', 'Infinity'])('numberFlag refuses %j with the range allowed', (v) => {
    expect(() => numberFlag('lr', v, 1)).toThrow(/^--lr must be a number >= 0, got /);
  });

  it('describes exclusive and upper bounds in words, never as 5e-324', () => {
    expect(() => numberFlag('scale', '0', 1, { above: 0 })).toThrow(/^--scale must be a number > 0, got "0"$/);
    expect(() => numberFlag('val-fraction', '1', 1, { above: 0, below: 1 })).toThrow(/must be a number > 0 and < 1, got "1"$/);
    expect(() => numberFlag('top-p', '1.5', 1, { min: 0, max: 1 })).toThrow(/must be a number >= 0 and <= 1, got "1.5"$/);
    expect(numberFlag('top-p', '1', undefined, { min: 0, max: 1 })).toBe(1);
  });

  it.each(['-1', '1,-2', '1,,2', '1.5', 'NaN', '1e400', '2147483648', ' '])('parseIds refuses %j', (v) => {
    expect(() => parseIds(v)).toThrow(UsageError);
    expect(() => parseIds(v)).toThrow(/^--ids/);
  });

  it('parseIds reads ids up to 2^31 - 1', () => {
    expect(parseIds('0, 7,2147483647')).toEqual([0, 7, 2147483647]);
  });
});

// Each command with the least argv that gets it to its flag checks (paths that do not exist, a
// preset where a config is needed), and its numeric flags. A flag check that let a bad value
// through would go on to a missing file or `--backend no-such-backend` (exit 1), never train.
const NO_BACKEND = ['--backend', 'no-such-backend'];
const COMMAND_FLAGS: [string, string[], string[], string[]][] = [
  // [command, argv, integer flags, number flags]
  [
    'train',
    ['--out', 'missing-run', '--data', 'missing.txt', '--config', 'tiny-1m', ...NO_BACKEND],
    [
      'seed',
      'rounds',
      'steps',
      'tokens',
      'refined-steps',
      'batch',
      'seq',
      'grad-accum',
      'eval-every',
      'checkpoint-every',
      'keep',
      'threads',
    ],
    ['val-fraction', 'sample-rate', 'temperature', 'lr', 'min-lr', 'warmup', 'weight-decay', 'clip'],
  ],
  [
    'generate',
    ['--model', 'missing-model', '--ids', '1', ...NO_BACKEND],
    ['max-new-tokens', 'top-k', 'seed', 'threads'],
    ['temperature', 'top-p'],
  ],
  ['logits', ['--model', 'missing-model', '--ids', '1', ...NO_BACKEND], ['threads'], []],
  ['eval', ['--model', 'missing-model', '--data', 'missing.txt', ...NO_BACKEND], ['seq', 'max-sequences', 'threads'], []],
  [
    'inherit',
    ['--from', 'missing-teacher', '--to', 'tiny-1m', '--out', 'missing-out', ...NO_BACKEND],
    ['keep-first', 'calib-seq', 'calib-samples', 'calib-batch', 'steps'],
    [],
  ],
  ['init', ['--preset', 'tiny-1m', '--out', 'missing-out', ...NO_BACKEND], ['seed', 'threads'], []],
  ['arch', ['--preset', 'tiny-1m'], ['seq', 'batch'], []],
  [
    'arch',
    ['search', '--params', '1e6', '--vocab', '1000'],
    ['vocab', 'width-multiple', 'multiple-of', 'min-layers', 'max-layers', 'min-hidden', 'max-hidden', 'seq', 'limit'],
    ['params', 'tolerance', 'min-aspect-ratio', 'max-aspect-ratio', 'max-latency-ms'],
  ],
  ['count', ['--tokenizer', 'missing-tok', '--input', 'missing.txt', '--out', 'missing.json'], ['workers'], []],
  [
    'prune-tokenizer',
    [
      '--tokenizer',
      'missing-tok',
      '--counts',
      'missing.json',
      '--out',
      'missing-out',
      '--vocab-size',
      '100',
      '--hidden-size',
      '64',
      '--layers',
      '2',
    ],
    ['vocab-size', 'hidden-size', 'layers', 'intermediate-size'],
    [],
  ],
  ['convert2hf', ['--src', 'missing-src', '--out', 'missing-out'], ['num-heads', 'max-position'], []],
  ['bench', ['train', ...NO_BACKEND], ['steps', 'max-seconds', 'warmup', 'seed', 'threads'], []],
  [
    'demo',
    NO_BACKEND,
    ['student-params', 'teacher-vocab', 'student-vocab', 'teacher-steps', 'seq', 'batch', 'student-bytes', 'threads'],
    [],
  ],
  [
    'reproduce',
    NO_BACKEND,
    [
      'params',
      'steps',
      'seeds',
      'teacher-bytes',
      'teacher-vocab',
      'student-vocab',
      'teacher-steps',
      'seq',
      'batch',
      'student-bytes',
      'threads',
    ],
    ['scale', 'sample-rate', 'lr'],
  ],
];

const BAD_FOR_ALL = ['-1', '-2.5', 'NaN', 'abc', '1e400', '-1e400', ''];
const BAD_FOR_INTEGERS = [...BAD_FOR_ALL, '1.5', '1e20'];

const cases = COMMAND_FLAGS.flatMap(([command, argv, ints, numbers]) => [
  ...ints.flatMap((flag) => BAD_FOR_INTEGERS.map((bad) => ({ command, argv, flag, bad }))),
  ...numbers.flatMap((flag) => BAD_FOR_ALL.map((bad) => ({ command, argv, flag, bad }))),
]);

describe('every numeric flag of every command', () => {
  it.each(cases)('$command --$flag $bad: exit 2 naming the flag and what is allowed', async ({ command, argv, flag, bad }) => {
    const io = captureIo();
    expect(await runCli([command, ...argv, `--${flag}`, bad], io)).toBe(2);
    const err = io.errText.join('\n');
    expect(err).toContain(`--${flag}`);
    expect(err).toMatch(/must be (a|an) (positive integer|integer >=|number)/);
    expect(err).not.toMatch(/ambiguous/);
  });

  it('--vocab-size -1 and --ids -1, the cases in the issue', async () => {
    const prune = captureIo();
    const argv = ['--tokenizer', 'missing-tok', '--counts', 'missing.json', '--out', 'missing-out', '--vocab-size', '-1'];
    expect(await runCli(['prune-tokenizer', ...argv], prune)).toBe(2);
    expect(prune.errText.join('\n')).toBe('tinylm prune-tokenizer: --vocab-size must be a positive integer, got "-1"');
    const logits = captureIo();
    expect(await runCli(['logits', '--model', 'missing-model', '--ids', '-1'], logits)).toBe(2);
    expect(logits.errText.join('\n')).toBe('tinylm logits: --ids: "-1" is not a token id (an integer from 0 to 2147483647)');
  });
});
