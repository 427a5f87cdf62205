// Tests of hf-config.ts against published Hugging Face config.json files (__fixtures__).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config';
import { ConfigParseError, ConfigValueError, UnsupportedArchitectureError } from './errors';
import { fromHfConfig, toHfConfig } from './hf-config';
import { getPreset, presetNames } from './presets';

const fixture = (name: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url)), 'utf8')) as Record<string, unknown>;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('fromHfConfig', () => {
  it('reads the published Llama-2-7b-hf config.json into the llama2-7b preset', () => {
    expect(fromHfConfig(fixture('llama2-7b-hf.config.json'))).toEqual(getPreset('llama2-7b').config);
  });

  it('reads TinyLlama (GQA) into the tinyllama-1.1b preset', () => {
    expect(fromHfConfig(fixture('tinyllama-1.1b.config.json'))).toEqual(getPreset('tinyllama-1.1b').config);
  });

  it("uses transformers' LlamaConfig defaults for keys a file leaves out", () => {
    const minimal = {
      model_type: 'llama',
      vocab_size: 100,
      hidden_size: 64,
      intermediate_size: 128,
      num_hidden_layers: 2,
      num_attention_heads: 4,
    };
    expect(fromHfConfig(minimal)).toEqual({
      vocabSize: 100,
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 4, // num_key_value_heads defaults to num_attention_heads
      intermediateSize: 128,
      ropeTheta: 10000,
      rmsNormEps: 1e-6, // transformers' default, not this package's 1e-5
      maxPositionEmbeddings: 2048,
      tieWordEmbeddings: false,
      initStd: 0.02,
    });
  });

  it('accepts a list of eos ids and null ids', () => {
    const c = fromHfConfig({ ...fixture('llama2-7b-hf.config.json'), eos_token_id: [2, 3], pad_token_id: null });
    expect(c.eosTokenId).toEqual([2, 3]);
    expect(c.padTokenId).toBeUndefined();
  });

  it('refuses a non-LLaMA model, naming what it found', () => {
    const e = thrown(() => fromHfConfig(fixture('gpt2.config.json'), 'gpt2/config.json'));
    expect(UnsupportedArchitectureError.isInstance(e)).toBe(true);
    expect(e.message).toBe(
      'gpt2/config.json: model_type "gpt2", architectures ["GPT2LMHeadModel"] is not supported; allowed: model_type "llama" (LlamaForCausalLM), or "mistral" (MistralForCausalLM) with sliding_window null',
    );
  });

  it('refuses mismatched or unknown architectures, and a config with neither key', () => {
    const llama = fixture('llama2-7b-hf.config.json');
    expect(() => fromHfConfig({ ...llama, architectures: ['MistralForCausalLM'] })).toThrow(
      /model_type "llama", architectures \["MistralForCausalLM"\]/,
    );
    expect(() => fromHfConfig({ ...llama, architectures: ['LlamaForSequenceClassification'] })).toThrow(UnsupportedArchitectureError);
    expect(() => fromHfConfig({ ...llama, architectures: ['LlamaForCausalLM', 'X'] })).toThrow(UnsupportedArchitectureError);
    const { model_type: _m, architectures: _a, ...bare } = llama;
    expect(() => fromHfConfig(bare)).toThrow(/neither model_type nor architectures/);
    // architectures alone is enough
    const { model_type: _only, ...archOnly } = llama;
    expect(fromHfConfig(archOnly).hiddenSize).toBe(4096);
  });

  it('refuses Mistral with a sliding window, accepts it without one', () => {
    const mistral = fixture('mistral-7b-v0.1.config.json');
    expect(() => fromHfConfig(mistral)).toThrow(/with sliding_window 4096 is not supported/);
    const c = fromHfConfig({ ...mistral, sliding_window: null });
    expect(c).toMatchObject({ numKvHeads: 8, intermediateSize: 14336, maxPositionEmbeddings: 32768 });
  });

  it.each([
    ['hidden_act', 'gelu', /hidden_act = "gelu" is invalid: allowed: "silu"/],
    ['attention_bias', true, /attention_bias = true/],
    ['mlp_bias', true, /mlp_bias = true/],
    ['rope_scaling', { type: 'linear', factor: 2 }, /rope_scaling = \{"type":"linear","factor":2\}/],
    ['head_dim', 256, /head_dim = 256 is invalid: allowed: hidden_size \/ num_attention_heads = 128/],
  ])('refuses %s = %o (not modelled exactly)', (key, value, message) => {
    const e = thrown(() => fromHfConfig({ ...fixture('llama2-7b-hf.config.json'), [key]: value }));
    expect(ConfigValueError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(message);
  });

  it('reports invalid sizes under the config.json key names', () => {
    const e = thrown(() =>
      fromHfConfig({ ...fixture('llama2-7b-hf.config.json'), hidden_size: 4095 }, 'x/config.json'),
    ) as ConfigValueError;
    expect(ConfigValueError.isInstance(e)).toBe(true);
    expect(e.field).toBe('hidden_size');
    expect(e.message).toBe(
      'x/config.json: hidden_size = 4095 is invalid: it is not divisible by num_attention_heads 32; allowed: a multiple of num_attention_heads 32 (e.g. 4064 or 4096)',
    );
    const kv = thrown(() => fromHfConfig({ ...fixture('llama2-7b-hf.config.json'), num_key_value_heads: 5 })) as ConfigValueError;
    expect(kv.field).toBe('num_key_value_heads');
    const eos = thrown(() => fromHfConfig({ ...fixture('llama2-7b-hf.config.json'), eos_token_id: [2, 99999] })) as ConfigValueError;
    expect(eos.field).toBe('eos_token_id[1]');
  });

  it('a missing size is a parse error naming the key', () => {
    const { vocab_size: _v, ...rest } = fixture('llama2-7b-hf.config.json');
    const e = thrown(() => fromHfConfig(rest));
    expect(ConfigParseError.isInstance(e)).toBe(true);
    expect(e.message).toBe('config.json: vocab_size is missing; a LLaMA config.json must give it');
    expect(() => fromHfConfig([1, 2])).toThrow(ConfigParseError);
  });
});

describe('toHfConfig', () => {
  it('writes every standard LlamaForCausalLM key', () => {
    const hf = toHfConfig(getPreset('llama2-7b').config, { torchDtype: 'float16' });
    expect(hf).toEqual({
      architectures: ['LlamaForCausalLM'],
      attention_bias: false,
      attention_dropout: 0,
      bos_token_id: 1,
      eos_token_id: 2,
      head_dim: 128,
      hidden_act: 'silu',
      hidden_size: 4096,
      initializer_range: 0.02,
      intermediate_size: 11008,
      max_position_embeddings: 4096,
      mlp_bias: false,
      model_type: 'llama',
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 32,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      rope_theta: 10000,
      tie_word_embeddings: false,
      torch_dtype: 'float16',
      use_cache: true,
      vocab_size: 32000,
    });
    expect(Object.keys(hf)).toEqual([...Object.keys(hf)].sort()); // sorted, as transformers writes
  });

  it('agrees with the published config.json on every key the published file has', () => {
    const published = fixture('llama2-7b-hf.config.json');
    const ours = toHfConfig(getPreset('llama2-7b').config, {
      torchDtype: 'float16',
      transformersVersion: '4.31.0.dev0',
    }) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(published)) expect(ours[key], key).toEqual(value);
  });

  it('round-trips every preset through JSON', () => {
    for (const name of presetNames()) {
      const c = getPreset(name).config;
      expect(fromHfConfig(JSON.parse(JSON.stringify(toHfConfig(c))))).toEqual(c);
    }
    const custom = resolveConfig({
      vocabSize: 300,
      hiddenSize: 64,
      numLayers: 1,
      numHeads: 2,
      tieWordEmbeddings: true,
      padTokenId: 0,
      eosTokenId: [1, 2],
      ropeTheta: 5e5,
      rmsNormEps: 1e-6,
      initStd: 0.01,
    });
    expect(fromHfConfig(JSON.parse(JSON.stringify(toHfConfig(custom))))).toEqual(custom);
  });

  it('rejects an unknown dtype', () => {
    expect(() => toHfConfig(getPreset('bench-5m').config, { torchDtype: 'int4' as never })).toThrow(
      'toHfConfig: torchDtype: expected a dtype, one of float32 (f32), float16 (f16), bfloat16 (bf16) (got "int4")',
    );
  });

  it('takes both dtype spellings', () => {
    expect(toHfConfig(getPreset('bench-5m').config, { torchDtype: 'bf16' }).torch_dtype).toBe('bfloat16');
  });
});
