// config_file.pt's text scan: the model type, the rotary keys and SEQ_LEN as InternEvo's training
// configs spell them (train.py saves the config file's lines joined); conflicting or unknown
// values are refused, naming the file and key.
import { describe, expect, it } from 'vitest';
import { parseInternEvoConfigText } from './internevo-config-file';

const LLM1B = `JOB_NAME = "1b_train"
SEQ_LEN = 2048
model_type = "LLAMA2"  # the PanGu-pi Pro release
model = dict(
    num_layers=18,
    hidden_size=2048,
    # adapt_hf=True would be today's layout
    num_attention_heads=16,
)
`;

describe('parseInternEvoConfigText', () => {
  it('reads model_type, SEQ_LEN and ignores commented-out keys', () => {
    expect(parseInternEvoConfigText(LLM1B, 'c.pt')).toEqual({ modelTypeName: 'LLAMA2', modelType: 'LLAMA2', seqLen: 2048 });
  });

  it('maps INTERNLM2_PUBLIC to INTERNLM2 and reads adapt_hf / qk_interleaved', () => {
    const text = 'model_type = "INTERNLM2_PUBLIC"\nmodel = dict(adapt_hf=False, qk_interleaved=True)\n';
    expect(parseInternEvoConfigText(text, 'c.pt')).toEqual({
      modelTypeName: 'INTERNLM2_PUBLIC',
      modelType: 'INTERNLM2',
      adaptHf: false,
      qkInterleaved: true,
    });
  });

  it('says nothing of what the text does not set', () => {
    expect(parseInternEvoConfigText('model = dict(num_layers=2)\n', 'c.pt')).toEqual({});
  });

  it('refuses a model type it cannot convert, and keys assigned different values', () => {
    expect(() => parseInternEvoConfigText("model_type = 'INTERNLM_MoE'\n", 'c.pt')).toThrow(
      /c\.pt: model_type="INTERNLM_MoE" cannot be converted/,
    );
    expect(() => parseInternEvoConfigText('a = dict(adapt_hf=True)\nb = dict(adapt_hf=False)\n', 'c.pt')).toThrow(
      /adapt_hf is assigned different values/,
    );
    expect(() => parseInternEvoConfigText('x'.repeat((1 << 20) + 1), 'c.pt')).toThrow(/too long/);
  });
});
