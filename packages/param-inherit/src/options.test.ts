// inheritParams and loadCalibration refuse an unknown key (naming the nearest allowed one), a
// value of the wrong type and a missing required key before reading anything; valid options pass
// the check (a later error, such as a missing source folder, is not an OptionsError).
import { describe, expect, it } from 'vitest';
import { inheritParams, loadCalibration } from './index';
import { describeOptionsContract, type OptionsEntry, optionsRefusal } from '../../../tooling/options-contract';

const missing = '/nonexistent/tinylm-options-test';
const source = { dir: missing, hasTokenizer: false, vocabSize: 256, maxPositionEmbeddings: 64 };

const entries: OptionsEntry[] = [
  {
    name: 'inheritParams',
    validCall: 'checked',
    call: (o) => inheritParams(o),
    valid: { from: missing, to: { hiddenSize: 32 }, out: `${missing}-out`, dtype: 'bf16', calibration: { samples: 4 } },
    nearMiss: ['vocab_map', 'vocabMap'],
    wrongType: ['keepFirst', '2'],
    required: 'to',
  },
  {
    name: 'loadCalibration',
    validCall: 'checked',
    call: (o) => loadCalibration(o, source),
    valid: { tokens: [[1, 2, 3, 4]], seqLen: 2 },
    nearMiss: ['sample', 'samples'],
    wrongType: ['tokenDtype', 'u16'],
  },
];

describeOptionsContract(entries);

describe('inheritParams nested options', () => {
  it('names a misspelled key inside calibration and learned', async () => {
    const e = await optionsRefusal(entries[0], { ...entries[0].valid, calibration: { sample: 4 }, learned: { mask_lr: 0.1 } });
    expect(e.message).toContain('inheritParams: calibration.sample: unknown option (did you mean samples?)');
    expect(e.message).toContain('inheritParams: learned.mask_lr: unknown option (did you mean maskLr?)');
  });

  it('lists both spellings of the dtypes', async () => {
    const e = await optionsRefusal(entries[0], { ...entries[0].valid, dtype: 'half' });
    expect(e.message).toContain('expected a dtype, one of float32 (f32), float16 (f16), bfloat16 (bf16) (got "half")');
  });
});
