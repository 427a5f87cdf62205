// inheritParams and loadCalibration refuse an unknown key (naming the nearest allowed one), a
// value of the wrong type and a missing required key before reading anything; valid options pass
// the check (a later error, such as a missing source folder, is not an OptionsError).
import { OptionsError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import { inheritParams, loadCalibration } from './index';

const missing = '/nonexistent/tinylm-options-test';
const source = { dir: missing, hasTokenizer: false, vocabSize: 256, maxPositionEmbeddings: 64 };

interface Entry {
  name: string;
  call: (options: never) => Promise<unknown>;
  valid: Record<string, unknown>;
  nearMiss: [string, string];
  wrongType: [string, unknown];
  required?: string;
}

const entries: Entry[] = [
  {
    name: 'inheritParams',
    call: (o) => inheritParams(o),
    valid: { from: missing, to: { hiddenSize: 32 }, out: `${missing}-out`, dtype: 'bf16', calibration: { samples: 4 } },
    nearMiss: ['vocab_map', 'vocabMap'],
    wrongType: ['keepFirst', '2'],
    required: 'to',
  },
  { name: 'loadCalibration', call: (o) => loadCalibration(o, source), valid: { tokens: [[1, 2, 3, 4]], seqLen: 2 }, nearMiss: ['sample', 'samples'], wrongType: ['tokenDtype', 'u16'] },
];

async function outcome(entry: Entry, options: Record<string, unknown>): Promise<unknown> {
  try {
    await entry.call(options as never);
    return undefined;
  } catch (e) {
    return e;
  }
}

async function refusal(entry: Entry, options: Record<string, unknown>): Promise<OptionsError> {
  const e = await outcome(entry, options);
  if (OptionsError.isInstance(e)) return e;
  throw new Error(`${entry.name} did not refuse ${JSON.stringify(options)}: ${String(e)}`);
}

describe.each(entries)('$name options', (entry) => {
  it('passes valid options', async () => {
    expect(OptionsError.isInstance(await outcome(entry, entry.valid))).toBe(false);
  });

  it('refuses a misspelled key, naming the one meant and the allowed ones', async () => {
    const [typo, meant] = entry.nearMiss;
    expect((await refusal(entry, { ...entry.valid, [typo]: 1 })).message).toContain(`${entry.name}: ${typo}: unknown option (did you mean ${meant}?); allowed: `);
  });

  it('refuses a value of the wrong type, naming the key', async () => {
    const [key, value] = entry.wrongType;
    expect((await refusal(entry, { ...entry.valid, [key]: value })).issues.map((i) => i.path)).toEqual([key]);
  });

  it.runIf(entry.required !== undefined)('refuses a missing required key, naming it', async () => {
    const { [entry.required as string]: _left, ...rest } = entry.valid;
    expect((await refusal(entry, rest)).issues.map((i) => i.path)).toEqual([entry.required]);
  });
});

describe('inheritParams nested options', () => {
  it('names a misspelled key inside calibration and learned', async () => {
    const e = await refusal(entries[0], { ...entries[0].valid, calibration: { sample: 4 }, learned: { mask_lr: 0.1 } });
    expect(e.message).toContain('inheritParams: calibration.sample: unknown option (did you mean samples?)');
    expect(e.message).toContain('inheritParams: learned.mask_lr: unknown option (did you mean maskLr?)');
  });

  it('lists both spellings of the dtypes', async () => {
    const e = await refusal(entries[0], { ...entries[0].valid, dtype: 'half' });
    expect(e.message).toContain('expected a dtype, one of float32 (f32), float16 (f16), bfloat16 (bf16) (got "half")');
  });
});
