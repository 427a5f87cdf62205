// Tests of internevo-emit.ts: what differs per InternEvo line (rotary key, ckpt_type names,
// model keys the line's builder takes), warm-start and parallel refusals, the launch header, and
// each emitted file loaded by Python the way InternEvo's Config.from_file loads it.
import { describe, expect, it } from 'vitest';
import { loadInInternEvo, needPython } from './__fixtures__/internevo-python';
import { resolveConfig } from './config';
import { InvalidArgumentError } from './errors';
import { emitInternEvoConfig, type InternEvoEmitOptions } from './internevo-emit';
import type { InternEvoCkptKind, InternEvoVersionName } from './internevo-versions';
import { getPreset } from './presets';

const pro = getPreset('pangu-pi-1b-pro').config; // configs/LLM1B.py's shape
const gqa = resolveConfig({ ...getPreset('tinyllama-1.1b').config }); // 32 heads, 4 KV heads, 22 layers

// The keyword parameters each line's LLAMA2 builder accepts, read from InternEvo's source:
// v0.3.x and 0.3.4: build_model_with_cfg in internlm/model/modeling_llama.py (no **kwargs);
// today's: Llama2.__init__ (model_implementations/transformers/modeling_llama.py), called as
// Llama2(**model) after create_model_builtin pops num_layers, num_chunks and use_flash_attn.
const V03_BUILDER = new Set(
  (
    'num_chunks checkpoint dtype embed_split_hidden num_layers hidden_size vocab_size embed_grad_scale parallel_output ' +
    'num_attention_heads num_kv_attention_heads mlp_ratio residual_in_fp32 norm_type adapt_hf drop_rate attn_drop_rate ' +
    'apply_post_layer_norm no_bias deepnorm layer_norm_epsilon is_reward dropout_selective_checkpoint use_scaled_init use_swiglu ' +
    'use_flash_attn embedding_init_std attn_wqkv_init_std attn_other_init_std ffn_uplayer_init_std ffn_other_init_std ' +
    'out_head_init_std init_type rope_base'
  ).split(' '),
);
const LATEST_BUILDER = new Set(
  (
    'num_layers num_chunks use_flash_attn hidden_size num_attention_heads num_kv_attention_heads vocab_size mlp_ratio ' +
    'attn_drop_rate drop_rate dtype checkpoint layer_norm_epsilon first last embed_grad_scale parallel_output start_layer_idx ' +
    'device apply_post_layer_norm no_bias residual_in_fp32 norm_type qk_interleaved is_reward dropout_selective_checkpoint ' +
    'use_scaled_init use_swiglu embedding_init_std attn_wqkv_init_std attn_other_init_std ffn_uplayer_init_std ' +
    'ffn_other_init_std out_head_init_std init_type rope_base mlp_layer_fusion multiple_of enable_qkv_fusion'
  ).split(' '),
);
const BUILDER: Record<InternEvoVersionName, Set<string>> = { 'v0.3': V03_BUILDER, 'v0.3.4': V03_BUILDER, latest: LATEST_BUILDER };

// The ckpt_type names each line registers (CheckpointLoadType on v0.3.x; LOAD_TYPE_FUNC +
// LOAD_FUNC_DICT on 0.3.4; the documented names of today's line).
const REGISTERED: Record<InternEvoVersionName, string[]> = {
  'v0.3': ['internlm', 'hf_llama', 'llama'],
  'v0.3.4': ['internevo', 'hf_llama', 'llama'],
  latest: ['internevo', 'hf'],
};

function refusal(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (e) {
    if (InvalidArgumentError.isInstance(e)) return e as InvalidArgumentError;
    throw e;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('emitInternEvoConfig: the keys that differ per InternEvo line', () => {
  const cases: [InternEvoVersionName, InternEvoCkptKind, string][] = [
    ['v0.3', 'internevo', 'internlm'],
    ['v0.3', 'hf', 'hf_llama'],
    ['v0.3', 'llama', 'llama'],
    ['v0.3.4', 'internevo', 'internevo'],
    ['v0.3.4', 'hf', 'hf_llama'],
    ['v0.3.4', 'llama', 'llama'],
    ['latest', 'internevo', 'internevo'],
    ['latest', 'hf', 'hf'],
  ];
  it.each(cases)('%s, %s folder: ckpt_type "%s"', (version, kind, name) => {
    const src = emitInternEvoConfig(pro, { internevoVersion: version, modelOnlyFolder: '/data/w', loadCkptType: kind });
    expect(src).toContain(`    load_ckpt_info=dict(path=MODEL_ONLY_FOLDER, content=("model",), ckpt_type="${name}"),\n`);
    if (version !== 'v0.3') expect(src).not.toContain('"internlm"');
    const layout = kind === 'llama' ? 'interleaved' : 'half';
    if (version === 'latest') {
      expect(src).toContain(`    qk_interleaved=${layout === 'interleaved' ? 'True' : 'False'},`);
      expect(src).not.toMatch(/adapt_hf|embed_split_hidden|load_given_ckpt/);
    } else {
      expect(src).toContain(`    adapt_hf=${layout === 'half' ? 'True' : 'False'},`);
      expect(src).not.toContain('qk_interleaved');
      expect(src).toContain('    embed_split_hidden=True,\n');
    }
    expect(src.includes('    load_given_ckpt=True,')).toBe(version === 'v0.3');
  });

  it("the default is the authors' setup: InternEvo v0.3, a model-only warm start from InternEvo shards, zero1 8 on 8 GPUs", () => {
    const src = emitInternEvoConfig(pro, { modelOnlyFolder: 'local:/ckpt/pruned' });
    expect(src).toContain(
      'for InternEvo v0.3\n# (checked against v0.3.0dev20240201, v0.3.1dev20240229, v0.3.2dev20240313, v0.3.3dev20240315)',
    );
    expect(src).toContain('MODEL_ONLY_FOLDER = "local:/ckpt/pruned"\n');
    expect(src).toContain('content=("model",), ckpt_type="internlm")');
    expect(src).toContain('    load_given_ckpt=True,');
    expect(src).toContain('    adapt_hf=True,');
    expect(src).toContain(
      '    zero1=dict(size=8),\n    tensor=dict(size=1, mode="mtp"),\n    pipeline=dict(size=1, interleaved_overlap=True),\n',
    );
    expect(src).toContain('#   torchrun --nnodes 1 --nproc_per_node 8 train.py --config ./configs/tinylm.py --launcher torch\n');
    expect(src).toContain(
      '#   srun -p PARTITION -N 1 -n 8 --ntasks-per-node=8 --gpus-per-task=1 python train.py --config ./configs/tinylm.py --launcher slurm\n',
    );
    expect(src).not.toContain('start_finetune');
  });

  it('from scratch without a folder: load_ckpt_info None, the rotary key still stated', () => {
    for (const version of ['v0.3', 'latest'] as const) {
      const src = emitInternEvoConfig(pro, { internevoVersion: version });
      expect(src).toContain('    load_ckpt_info=None,\n');
      expect(src).toContain('MODEL_ONLY_FOLDER = None\n');
      expect(src).toContain(version === 'latest' ? '    qk_interleaved=False,' : '    adapt_hf=True,');
    }
    expect(emitInternEvoConfig(pro)).toContain('    load_given_ckpt=False,');
  });

  it('shards in the interleaved layout: adapt_hf=False on v0.3.x, qk_interleaved=True today', () => {
    const o: InternEvoEmitOptions = { modelOnlyFolder: '/w', rotary: 'interleaved' };
    expect(emitInternEvoConfig(pro, { ...o, internevoVersion: 'v0.3.4' })).toContain('    adapt_hf=False,');
    expect(emitInternEvoConfig(pro, { ...o, internevoVersion: 'latest' })).toContain('    qk_interleaved=True,');
  });

  it('version spellings: tags and numbers of a line resolve to it', () => {
    for (const [name, line] of [
      ['0.3.2', 'v0.3'],
      ['v0.3.2dev20240313', 'v0.3'],
      ['v0.3.3dev20240315', 'v0.3'],
      ['0.3.4', 'v0.3.4'],
      ['develop', 'latest'],
    ]) {
      expect(emitInternEvoConfig(pro, { internevoVersion: name })).toContain(`for InternEvo ${line}\n`);
    }
  });

  it('a folder without a storage prefix gets "local:"; InternEvo\'s prefixes are kept', () => {
    const folder = (p: string) => /MODEL_ONLY_FOLDER = (.*)\n/.exec(emitInternEvoConfig(pro, { modelOnlyFolder: p }))?.[1];
    expect(folder('/data/x')).toBe('"local:/data/x"');
    expect(folder('C:\\data\\x')).toBe('"local:C:\\\\data\\\\x"');
    expect(folder('boto3:s3://bucket/x')).toBe('"boto3:s3://bucket/x"');
    expect(folder('local:rel/x')).toBe('"local:rel/x"');
  });

  it('the parallel dict and the launch line follow the sizes; 16 GPUs are 2 nodes of 8', () => {
    const src = emitInternEvoConfig(gqa, { dataParallel: 4, zero1Size: 2, tensorParallel: 2, pipelineParallel: 2 });
    expect(src).toContain(
      '    zero1=dict(size=2),\n    tensor=dict(size=2, mode="mtp"),\n    pipeline=dict(size=2, interleaved_overlap=True),\n',
    );
    expect(src).toContain('# 16 GPUs = data 4 x tensor 2 x pipeline 2;');
    expect(src).toContain(
      '#   torchrun --nnodes 2 --nproc_per_node 8 --node_rank RANK --master_addr HOST --master_port PORT train.py --config ./configs/tinylm.py --launcher torch\n',
    );
    expect(src).toContain('#   srun -p PARTITION -N 2 -n 16 --ntasks-per-node=8');
    // the default zero1 is the largest divisor of the data-parallel size up to 8
    expect(emitInternEvoConfig(pro, { dataParallel: 12 })).toContain('zero1=dict(size=6)');
    expect(emitInternEvoConfig(pro, { dataParallel: 2 })).toContain('zero1=dict(size=2)');
  });
});

describe('emitInternEvoConfig refuses what InternEvo would refuse at start (or silently get wrong)', () => {
  it('an InternEvo version it was not checked against', () => {
    const e = refusal(() => emitInternEvoConfig(pro, { internevoVersion: 'v0.2.1' }));
    expect(e.message).toBe(
      'internevoVersion = "v0.2.1" is invalid: not an InternEvo line this emitter was checked against; allowed: v0.3 (also 0.3.0 to 0.3.3 and their vX.Y.ZdevDATE tags), v0.3.4, latest (also develop)',
    );
    expect(() => emitInternEvoConfig(pro, { internevoVersion: '__proto__' })).toThrow(InvalidArgumentError);
  });

  it('zero1 not dividing the data-parallel size (zero1 8 on 4 GPUs)', () => {
    expect(refusal(() => emitInternEvoConfig(pro, { dataParallel: 4, zero1Size: 8 })).message).toBe(
      'zero1Size = 8 is invalid: InternEvo requires data_parallel_size % zero1 == 0 and the data-parallel size is 4; allowed: a divisor of 4: 1, 2, 4',
    );
    expect(() => emitInternEvoConfig(pro, { dataParallel: 12, zero1Size: 8 })).toThrow('allowed: a divisor of 12: 1, 2, 3, 4, 6, 12');
  });

  it('a tensor split that does not divide heads, KV heads or the vocabulary; more stages than layers; sizes that are not counts', () => {
    expect(refusal(() => emitInternEvoConfig(gqa, { tensorParallel: 8 })).message).toBe(
      'tensorParallel = 8 is invalid: tensor parallelism splits numKvHeads (4) evenly; allowed: a common divisor of numHeads 32, numKvHeads 4, hiddenSize 2048, vocabSize 32000 and intermediateSize 5632: 1, 2, 4',
    );
    expect(() => emitInternEvoConfig(pro, { tensorParallel: 4 })).toThrow('splits numHeads (14) evenly');
    expect(refusal(() => emitInternEvoConfig(pro, { pipelineParallel: 21 })).message).toBe(
      'pipelineParallel = 21 is invalid: each pipeline stage needs at least one layer; allowed: at most numLayers (20)',
    );
    for (const bad of [0, -1, 2.5, 2 ** 40]) expect(() => emitInternEvoConfig(pro, { dataParallel: bad })).toThrow(InvalidArgumentError);
    expect(() => emitInternEvoConfig(pro, { zero1Size: Number.NaN })).toThrow(
      'emitInternEvoConfig: zero1Size: Invalid input: expected number, received NaN',
    );
  });

  it('a checkpoint type the version does not register, and a rotary layout the folder cannot have', () => {
    expect(
      refusal(() => emitInternEvoConfig(pro, { internevoVersion: 'latest', modelOnlyFolder: '/w', loadCkptType: 'llama' })).message,
    ).toBe(
      'loadCkptType = "llama" is invalid: InternEvo latest registers no checkpoint loader for it; allowed: internevo (ckpt_type "internevo"), hf (ckpt_type "hf")',
    );
    expect(refusal(() => emitInternEvoConfig(pro, { modelOnlyFolder: '/w', loadCkptType: 'hf', rotary: 'interleaved' })).message).toBe(
      'rotary = "interleaved" is invalid: a Hugging Face folder is in the half-split rotary layout; allowed: half',
    );
    expect(() => emitInternEvoConfig(pro, { loadCkptType: 'hf' })).toThrow('allowed: only with modelOnlyFolder');
    expect(() => emitInternEvoConfig(pro, { modelOnlyFolder: '' })).toThrow(InvalidArgumentError);
  });

  it('options outside the schema', () => {
    expect(() => emitInternEvoConfig(pro, { zero1: 8 } as never)).toThrow(/emitInternEvoConfig: .*zero1/);
    expect(() => emitInternEvoConfig(pro, { loadCkptType: 'internlm' as never, modelOnlyFolder: '/w' })).toThrow(/loadCkptType/);
  });
});

describe('emitInternEvoConfig output loaded as InternEvo loads it (Python)', () => {
  const versions: InternEvoVersionName[] = ['v0.3', 'v0.3.4', 'latest'];
  it.for(versions)('%s: every model key is one its LLAMA2 builder takes; ckpt, parallel and data as asked', (version, ctx) => {
    needPython(ctx);
    for (const kind of ['internevo', 'hf'] as const) {
      const c = resolveConfig({ ...gqa, ropeTheta: 500000, initStd: 0.01 });
      const py = loadInInternEvo(
        emitInternEvoConfig(c, {
          internevoVersion: version,
          modelOnlyFolder: '/data/w "q"',
          loadCkptType: kind,
          seqLen: 1024,
          dataParallel: 4,
          zero1Size: 4,
          tensorParallel: 2,
          pipelineParallel: 2,
          trainFolder: '/data/tokens',
        }),
      );
      const unknown = Object.keys(py.model).filter((k) => !BUILDER[version].has(k));
      expect(unknown, `${version} ${kind}`).toEqual([]);
      expect(py.model.rope_base).toBe(500000);
      expect(py.model.num_kv_attention_heads).toBe(4);
      expect(version === 'latest' ? py.model.qk_interleaved : py.model.adapt_hf).toBe(version !== 'latest');
      expect(py.ckpt.load_ckpt_info).toEqual({
        path: 'local:/data/w "q"',
        content: { __tuple__: ['model'] }, // v0.3.x compares with the tuple ("model",)
        ckpt_type: REGISTERED[version][kind === 'internevo' ? 0 : 1],
      });
      expect(REGISTERED[version]).toContain(py.ckpt.load_ckpt_info.ckpt_type);
      expect(py.ckpt.auto_resume).toBe(false);
      expect(py.parallel).toEqual({
        zero1: { size: 4 },
        tensor: { size: 2, mode: 'mtp' },
        pipeline: { size: 2, interleaved_overlap: true },
        weight: { size: 1, overlap: true, memory_pool: true },
      });
      // InternEvo's own rule: dp = world / pp / tp, dp % zero1 == 0
      const world = 4 * 2 * 2;
      expect((world / py.parallel.pipeline.size / py.parallel.tensor.size) % py.parallel.zero1.size).toBe(0);
      expect(py.SEQ_LEN).toBe(1024);
      expect(py.data).toMatchObject({ seq_len: 1024, micro_bsz: 15, micro_num: 2, train_folder: '/data/tokens' });
      expect(py.__ffn__).toBe(c.intermediateSize);
      expect(py.model_type).toBe('LLAMA2');
    }
  });

  it('strings with quotes, backslashes, line breaks and non-ASCII come back unchanged; a line break in configPath stays in the comment', (ctx) => {
    needPython(ctx);
    const odd = 'a"b\\c\nd\u2028e\u00e9\u{1F600}\'';
    const py = loadInInternEvo(
      emitInternEvoConfig(pro, {
        jobName: odd,
        modelOnlyFolder: `local:${odd}`,
        trainFolder: odd,
        configPath: './configs/x.py\nX_INJECTED = 1',
      }),
    );
    expect(py.JOB_NAME).toBe(odd);
    expect(py.MODEL_ONLY_FOLDER).toBe(`local:${odd}`);
    expect(py.TRAIN_FOLDER).toBe(odd);
    expect(py.monitor.alert.alert_file_path).toBe(`llm_alter/${odd}_alert.log`);
    expect(Object.keys(py)).not.toContain('X_INJECTED');
  });

  it("the authors' setup loads with LLM1B.py's values", (ctx) => {
    needPython(ctx);
    const py = loadInInternEvo(emitInternEvoConfig(pro, { modelOnlyFolder: '/ckpt/pruned', jobName: '1b_train' }));
    expect(py).toMatchObject({
      JOB_NAME: '1b_train',
      SEQ_LEN: 2048,
      HIDDEN_SIZE: 1792,
      NUM_LAYER: 20,
      VOCAB_SIZE: 48000,
      MLP_RATIO: 8 / 3,
    });
    expect(py.ckpt).toMatchObject({
      load_ckpt_info: { path: 'local:/ckpt/pruned', content: { __tuple__: ['model'] }, ckpt_type: 'internlm' },
      load_given_ckpt: true,
      checkpoint_every: 50,
    });
    expect(py.parallel.zero1).toEqual({ size: 8 });
    expect(py.model.adapt_hf).toBe(true);
  });
});
