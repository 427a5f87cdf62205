// Tests of internevo-config.ts (toInternEvoConfig): the emitted file is loaded by Python as InternEvo does and compared with configs/LLM1B.py.
import { describe, expect, it } from 'vitest';
import { loadInInternEvo, needPython } from './__fixtures__/internevo-python';
import { resolveConfig } from './config';
import { InternEvoExportError, InvalidArgumentError } from './errors';
import { toInternEvoConfig } from './internevo-config';
import { getPreset } from './presets';

// The legacy entry point, kept for its callers: InternEvo v0.3 (the authors' line) through
// emitInternEvoConfig. Each emitted file is loaded as InternEvo's Config.from_file loads it.
function runPython(source: string, _name: string) {
  const py = loadInInternEvo(source);
  py.ffn = py.__ffn__;
  return py;
}

describe('toInternEvoConfig executed by Python', () => {
  it('PanGu-π-1B Pro gives the constants of the released configs/LLM1B.py', (ctx) => {
    needPython(ctx);
    const py = runPython(toInternEvoConfig(getPreset('pangu-pi-1b-pro').config, { jobName: '1b_train' }), 'pro');
    expect(py).toMatchObject({
      JOB_NAME: '1b_train',
      SEQ_LEN: 2048,
      HIDDEN_SIZE: 1792,
      NUM_ATTENTION_HEAD: 14,
      NUM_KV_ATTENTION_HEAD: 14,
      MLP_RATIO: 8 / 3, // the same double as Python's 8 / 3
      NUM_LAYER: 20,
      VOCAB_SIZE: 48000,
      MODEL_ONLY_FOLDER: null,
      model_type: 'LLAMA2',
      ffn: 4864,
    });
    expect(py.model).toEqual({
      checkpoint: false,
      num_attention_heads: 14,
      embed_split_hidden: true,
      vocab_size: 48000,
      embed_grad_scale: 1,
      parallel_output: true,
      hidden_size: 1792,
      num_layers: 20,
      no_bias: true,
      mlp_ratio: 8 / 3,
      apply_post_layer_norm: false,
      dtype: 'torch.bfloat16',
      norm_type: 'rmsnorm',
      layer_norm_epsilon: 1e-5,
      num_kv_attention_heads: 14,
      use_flash_attn: true,
      num_chunks: 1,
      adapt_hf: true, // InternEvo v0.3's key; the weights' rotary layout is Hugging Face's half split
    });
    expect(py.adam).toEqual({ lr: 1e-4, adam_beta1: 0.9, adam_beta2: 0.95, adam_beta2_c: 0, adam_eps: 1e-8, weight_decay: 0.1 });
    expect(py.lr_scheduler).toEqual({ total_steps: 50000, init_steps: 0, warmup_ratio: 0.03, eta_min: 1e-5, last_epoch: -1 });
    expect(py.data).toMatchObject({
      seq_len: 2048,
      micro_num: 2,
      micro_bsz: 15,
      total_steps: 50000,
      train_folder: null,
      valid_folder: null,
    });
    expect(py.hybrid_zero_optimizer).toMatchObject({ clip_grad_norm: 1, reduce_bucket_size: 512 * 1024 * 1024 });
    expect(py.beta2_scheduler).toEqual({ init_beta2: 0.95, c: 0, cur_iter: -1 });
    expect(py.ckpt).toMatchObject({
      load_ckpt_info: null,
      load_given_ckpt: false,
      auto_resume: false,
      checkpoint_every: 50,
      oss_snapshot_freq: 25,
    });
    expect(py.monitor.alert.alert_file_path).toBe('llm_alter/1b_train_alert.log');
  });

  it("every exportable preset reproduces its FFN size under InternEvo's rounding, in Python", (ctx) => {
    needPython(ctx);
    for (const name of ['pangu-pi-1b', 'pangu-pi-1.5b-pro', 'llama2-7b', 'tinyllama-1.1b', 'bench-20m']) {
      const c = getPreset(name).config;
      const py = runPython(toInternEvoConfig(c), name);
      expect(py.ffn, name).toBe(c.intermediateSize);
      expect([py.HIDDEN_SIZE, py.NUM_LAYER, py.NUM_ATTENTION_HEAD, py.NUM_KV_ATTENTION_HEAD, py.VOCAB_SIZE]).toEqual([
        c.hiddenSize,
        c.numLayers,
        c.numHeads,
        c.numKvHeads,
        c.vocabSize,
      ]);
    }
  });

  it('inheritance from a Hugging Face folder, custom training values and a non-default RoPE base', (ctx) => {
    needPython(ctx);
    const c = resolveConfig({ ...getPreset('tinyllama-1.1b').config, ropeTheta: 500000, initStd: 0.01, rmsNormEps: 1e-6 });
    const py = runPython(
      toInternEvoConfig(c, {
        jobName: 'pruned "x"',
        modelOnlyFolder: 'local:/data/pruned-hf',
        trainFolder: '/data/tokens',
        seqLen: 1024,
        microNum: 4,
        microBsz: 2,
        totalSteps: 1000,
        lr: 3e-4,
        minLr: 3e-5,
        warmupRatio: 0.01,
        weightDecay: 0,
        dtype: 'torch.float32',
        zero1Size: 1,
      }),
      'custom',
    );
    expect(py.JOB_NAME).toBe('pruned "x"');
    expect(py.MODEL_ONLY_FOLDER).toBe('local:/data/pruned-hf');
    expect(py.ckpt.load_ckpt_info).toEqual({ path: 'local:/data/pruned-hf', content: { __tuple__: ['model'] }, ckpt_type: 'hf_llama' });
    expect(py.ckpt.load_given_ckpt).toBe(true);
    expect(py.data).toMatchObject({ seq_len: 1024, micro_num: 4, micro_bsz: 2, total_steps: 1000, train_folder: '/data/tokens' });
    expect(py.adam).toMatchObject({ lr: 3e-4, weight_decay: 0 });
    expect(py.lr_scheduler).toMatchObject({ total_steps: 1000, warmup_ratio: 0.01, eta_min: 3e-5 });
    expect(py.model).toMatchObject({
      rope_base: 500000,
      embedding_init_std: 0.01,
      out_head_init_std: 0.01,
      layer_norm_epsilon: 1e-6,
      dtype: 'torch.float32',
      num_kv_attention_heads: 4,
    });
    expect(py.parallel.zero1).toEqual({ size: 1 });
  });
});

describe('toInternEvoConfig without Python', () => {
  it('writes the LLM1B.py constants as source text', () => {
    const src = toInternEvoConfig(getPreset('pangu-pi-1b-pro').config);
    for (const line of [
      'HIDDEN_SIZE = 1792',
      'NUM_ATTENTION_HEAD = 14',
      'MLP_RATIO = 8 / 3',
      'NUM_LAYER = 20',
      'VOCAB_SIZE = 48000',
      'model_type = "LLAMA2"',
      '    layer_norm_epsilon=0.00001,',
    ]) {
      expect(src).toContain(`${line}\n`);
    }
    expect(src).not.toContain('rope_base');
  });

  it('a forced mlpRatio must reproduce the FFN', () => {
    const c = getPreset('pangu-pi-1.5b-pro').config;
    expect(toInternEvoConfig(c)).toContain('MLP_RATIO = 10 / 3\n'); // simplest fraction giving 6912
    expect(toInternEvoConfig(c, { mlpRatio: getPreset('pangu-pi-1.5b-pro').mlpRatio })).toContain('MLP_RATIO = 3.375\n');
    expect(() => toInternEvoConfig(c, { mlpRatio: 8 / 3 })).toThrow(
      "mlpRatio 2.6666666666666665 gives intermediate size 5632 in InternEvo (int(2048 * 2.6666666666666665) rounded up to a multiple of 256), not the config's 6912",
    );
  });

  it('refuses an FFN no mlp_ratio reaches, and a tied head', () => {
    const e = (() => {
      try {
        toInternEvoConfig(getPreset('bench-5m').config);
      } catch (err) {
        return err as Error;
      }
    })();
    expect(InternEvoExportError.isInstance(e)).toBe(true);
    expect(e!.message).toBe(
      "intermediateSize 688 has no InternEvo mlp_ratio: InternEvo's FeedForward rounds int(hidden_size * mlp_ratio) up to a multiple of 256 (multiple_of=256), so only multiples of 256 are reachable; nearest: 512 or 768",
    );
    expect(() => toInternEvoConfig(getPreset('tiny-100k').config)).toThrow(/tieWordEmbeddings = true cannot be exported/);
  });

  it('checks its options', () => {
    const c = getPreset('pangu-pi-1b-pro').config;
    expect(() => toInternEvoConfig(c, { seqLen: 4096 })).toThrow('seqLen = 4096 is invalid; allowed: at most maxPositionEmbeddings (2048)');
    expect(() => toInternEvoConfig(c, { microBsz: 0 })).toThrow(InvalidArgumentError);
    expect(() => toInternEvoConfig(c, { dtype: 'bf16' as never })).toThrow(
      'toInternEvoConfig: dtype: Invalid option: expected one of "torch.bfloat16"|"torch.float16"|"torch.float32"',
    );
    expect(() => toInternEvoConfig(c, { warmupRatio: 1 })).toThrow(InvalidArgumentError);
  });
});
