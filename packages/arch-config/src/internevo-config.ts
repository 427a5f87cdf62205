// InternEvo training config (a Python file of module-level constants and dicts) for a LLaMA-2
// config: the path out to distributed training (docs/pipeline.md, Scaling out).
// Layout and defaults follow the PanGu-π Pro release's configs/LLM1B.py (model_type "LLAMA2",
// AdamW lr 1e-4, betas 0.9/0.95, eps 1e-8, weight decay 0.1, warmup 3%, cosine to 1e-5, clip
// 1.0, bf16, 50k steps); `no_bias` and `num_kv_attention_heads` follow InternEvo's
// configs/7B_llama2.py. InternEvo takes the FFN as `mlp_ratio` and builds
// `int(hidden_size * mlp_ratio)` rounded up to a multiple of 256 (see ffn.ts), so the emitted
// MLP_RATIO is a fraction that reproduces `intermediateSize` exactly, or export is refused.

import type { LlamaConfig } from './config';
import { CONFIG_DEFAULTS } from './config';
import { InternEvoExportError, InvalidArgumentError } from './errors';
import { ffnFromMlpRatio, INTERNEVO_MULTIPLE_OF, mlpRatioFor } from './ffn';
import { parseOptions } from '@tinylm/errors';
import { internEvoConfigOptions } from './options';

/** Options of `toInternEvoConfig`; defaults are those of configs/LLM1B.py. */
export interface InternEvoConfigOptions {
  /** JOB_NAME; default "tinylm_train". */
  jobName?: string;
  /** SEQ_LEN; default min(maxPositionEmbeddings, 2048). */
  seqLen?: number;
  /** Micro-batches per optimizer step; default 2. */
  microNum?: number;
  /** Sequences packed per micro-batch; default 15. */
  microBsz?: number;
  /** Default 50000. */
  totalSteps?: number;
  /** Default 1e-4. */
  lr?: number;
  /** eta_min of the cosine schedule; default 1e-5. */
  minLr?: number;
  /** Default 0.03. */
  warmupRatio?: number;
  /** Default 0.1. */
  weightDecay?: number;
  /** Default 1.0. */
  clipGradNorm?: number;
  /** model.dtype; default "torch.bfloat16". */
  dtype?: 'torch.bfloat16' | 'torch.float16' | 'torch.float32';
  /**
   * Weights to start from (MODEL_ONLY_FOLDER), e.g. "local:/data/pruned-hf". When set,
   * load_given_ckpt=True; when absent the job trains from scratch (load_ckpt_info=None).
   */
  modelOnlyFolder?: string;
  /** ckpt_type of `modelOnlyFolder`; default "hf_llama" (a Hugging Face folder, as param-inherit writes). */
  ckptType?: 'hf_llama' | 'internlm' | 'llama';
  /** Default "local:llm_ckpts". */
  saveCkptFolder?: string;
  /** Default 50. */
  checkpointEvery?: number;
  /** TRAIN_FOLDER (InternEvo tokenized data); default None. */
  trainFolder?: string;
  /** VALID_FOLDER; default None. */
  validFolder?: string;
  /** Default 1000. */
  validEvery?: number;
  /** ZeRO-1 group size; default 8. */
  zero1Size?: number;
  /** Force this MLP_RATIO (must reproduce intermediateSize); default: the simplest fraction that does. */
  mlpRatio?: number;
}

/** Python source of an InternEvo config file for `config`. Throws `InternEvoExportError` when inexpressible. */
export function toInternEvoConfig(config: LlamaConfig, options: InternEvoConfigOptions = {}): string {
  const opts = parseOptions(internEvoConfigOptions, options, 'toInternEvoConfig');
  if (config.tieWordEmbeddings) {
    throw new InternEvoExportError(
      "tieWordEmbeddings = true cannot be exported: InternEvo's LLAMA2 model (PackedFlashLlama1D) always has a separate output head; use an untied config",
    );
  }
  const ratio = pickMlpRatio(config, opts.mlpRatio);
  const seqLen = opts.seqLen ?? Math.min(config.maxPositionEmbeddings, 2048);
  posInt('seqLen', seqLen);
  if (seqLen > config.maxPositionEmbeddings) {
    throw new InvalidArgumentError({
      argument: 'seqLen',
      value: seqLen,
      allowed: `at most maxPositionEmbeddings (${config.maxPositionEmbeddings})`,
    });
  }
  const o = {
    jobName: opts.jobName ?? 'tinylm_train',
    microNum: opts.microNum ?? 2,
    microBsz: opts.microBsz ?? 15,
    totalSteps: opts.totalSteps ?? 50000,
    lr: opts.lr ?? 1e-4,
    minLr: opts.minLr ?? 1e-5,
    warmupRatio: opts.warmupRatio ?? 0.03,
    weightDecay: opts.weightDecay ?? 0.1,
    clipGradNorm: opts.clipGradNorm ?? 1.0,
    dtype: opts.dtype ?? 'torch.bfloat16',
    ckptType: opts.ckptType ?? 'hf_llama',
    saveCkptFolder: opts.saveCkptFolder ?? 'local:llm_ckpts',
    checkpointEvery: opts.checkpointEvery ?? 50,
    validEvery: opts.validEvery ?? 1000,
    zero1Size: opts.zero1Size ?? 8,
  };
  for (const key of ['microNum', 'microBsz', 'totalSteps', 'checkpointEvery', 'zero1Size'] as const) posInt(key, o[key]);
  for (const key of ['lr', 'minLr', 'clipGradNorm'] as const) posNum(key, o[key]);
  if (!(o.warmupRatio >= 0 && o.warmupRatio < 1))
    throw new InvalidArgumentError({ argument: 'warmupRatio', value: o.warmupRatio, allowed: 'a number in [0, 1)' });
  if (!(o.weightDecay >= 0)) throw new InvalidArgumentError({ argument: 'weightDecay', value: o.weightDecay, allowed: 'a number >= 0' });
  if (!Number.isInteger(o.validEvery) || o.validEvery < 0)
    throw new InvalidArgumentError({ argument: 'validEvery', value: o.validEvery, allowed: 'an integer >= 0 (0 disables evaluation)' });
  oneOf('dtype', o.dtype, ['torch.bfloat16', 'torch.float16', 'torch.float32']);
  oneOf('ckptType', o.ckptType, ['hf_llama', 'internlm', 'llama']);

  const fromCkpt = opts.modelOnlyFolder !== undefined;
  const extraModel: string[] = [];
  if (config.ropeTheta !== CONFIG_DEFAULTS.ropeTheta) extraModel.push(`    rope_base=${py(config.ropeTheta)},`);
  if (config.initStd !== CONFIG_DEFAULTS.initStd) {
    for (const k of ['embedding', 'attn_wqkv', 'attn_other', 'ffn_uplayer', 'ffn_other', 'out_head'])
      extraModel.push(`    ${k}_init_std=${py(config.initStd)},`);
  }
  const kvNote = config.numKvHeads === config.numHeads ? 'MHA' : `GQA, ${config.numHeads / config.numKvHeads} query heads per KV head`;

  return `# InternEvo training config for a LLaMA-2 decoder, written by @tinylm/arch-config.
# Layout of configs/LLM1B.py from the PanGu-pi Pro release (Tang et al. 2024, arXiv 2402.02791).
# Use: copy to InternEvo/configs/ and run \`python start_finetune.py --config ./configs/<this file>\`.
# Model: vocab ${config.vocabSize}, hidden ${config.hiddenSize}, ${config.numLayers} layers, ${config.numHeads} heads (${kvNote}),
# FFN ${config.intermediateSize}: InternEvo builds int(HIDDEN_SIZE * MLP_RATIO) rounded up to a multiple of ${INTERNEVO_MULTIPLE_OF}.
# Not expressible here and left to InternEvo's defaults: max_position_embeddings (${config.maxPositionEmbeddings}), special-token ids.
JOB_NAME = ${str(o.jobName)}
DO_ALERT = False

SEQ_LEN = ${seqLen}
HIDDEN_SIZE = ${config.hiddenSize}
NUM_ATTENTION_HEAD = ${config.numHeads}
NUM_KV_ATTENTION_HEAD = ${config.numKvHeads}
MLP_RATIO = ${ratio}
NUM_LAYER = ${config.numLayers}
VOCAB_SIZE = ${config.vocabSize}

MODEL_ONLY_FOLDER = ${fromCkpt ? str(opts.modelOnlyFolder as string) : 'None'}
# Ckpt folder format:
# fs: 'local:/mnt/nfs/XXX'
SAVE_CKPT_FOLDER = ${str(o.saveCkptFolder)}
CHECKPOINT_EVERY = ${o.checkpointEvery}
model_type = "LLAMA2"
ckpt = dict(
    enable_save_ckpt=True,  # enable ckpt save.
    save_ckpt_folder=SAVE_CKPT_FOLDER,  # Path to save training ckpt.
    # 'ckpt_type' of load_ckpt_info: "internlm", "llama" or "hf_llama" (a Hugging Face LLaMA folder).
    load_ckpt_info=${fromCkpt ? `dict(path=MODEL_ONLY_FOLDER, content=("model",), ckpt_type=${str(o.ckptType)})` : 'None'},
    load_given_ckpt=${fromCkpt ? 'True' : 'False'},  # False: train from scratch
    auto_resume=False,
    checkpoint_every=CHECKPOINT_EVERY,
    async_upload=True,  # async ckpt upload. (only work for boto3 ckpt)
    async_upload_tmp_folder="/dev/shm/internlm_tmp_ckpt/",  # path for temporarily files during asynchronous upload.
    oss_snapshot_freq=int(CHECKPOINT_EVERY / 2),  # snapshot ckpt save frequency.
)

TRAIN_FOLDER = ${opts.trainFolder !== undefined ? str(opts.trainFolder) : 'None'}
VALID_FOLDER = ${opts.validFolder !== undefined ? str(opts.validFolder) : 'None'}
data = dict(
    seq_len=SEQ_LEN,
    # micro_num means the number of micro_batch contained in one gradient update
    micro_num=${o.microNum},
    # packed_length = micro_bsz * SEQ_LEN
    micro_bsz=${o.microBsz},
    # defaults to the value of micro_num
    valid_micro_num=1,
    # defaults to 0, means disable evaluate
    valid_every=${o.validEvery},
    pack_sample_into_one=False,
    total_steps=${o.totalSteps},
    skip_batches="",
    rampup_batch_size="",
    # Datasets with less than 50 rows will be discarded
    min_length=50,
    train_folder=TRAIN_FOLDER,
    valid_folder=VALID_FOLDER,
    empty_cache_and_diag_interval=10000,
    diag_outlier_ratio=1.1,
)

grad_scaler = dict(
    fp16=dict(
        initial_scale=2**16,
        min_scale=1,
        growth_interval=1000,
    ),
    growth_factor=2,
    backoff_factor=0.5,
    max_scale=2**24,
    hysteresis=2,
)

hybrid_zero_optimizer = dict(
    overlap_sync_grad=True,
    overlap_sync_param=True,
    reduce_bucket_size=512 * 1024 * 1024,
    clip_grad_norm=${py(o.clipGradNorm)},
)

loss = dict(
    label_smoothing=0,
)

adam = dict(
    lr=${py(o.lr)},
    adam_beta1=0.9,
    adam_beta2=0.95,
    adam_beta2_c=0,
    adam_eps=1e-8,
    weight_decay=${py(o.weightDecay)},
)

lr_scheduler = dict(
    total_steps=data["total_steps"],
    init_steps=0,  # optimizer_warmup_step
    warmup_ratio=${py(o.warmupRatio)},
    eta_min=${py(o.minLr)},
    last_epoch=-1,
)

beta2_scheduler = dict(
    init_beta2=adam["adam_beta2"],
    c=adam["adam_beta2_c"],
    cur_iter=-1,
)

model = dict(
    checkpoint=False,  # activation checkpointing: True/False/[0-1]
    num_attention_heads=NUM_ATTENTION_HEAD,
    embed_split_hidden=True,
    vocab_size=VOCAB_SIZE,
    embed_grad_scale=1,
    parallel_output=True,
    hidden_size=HIDDEN_SIZE,
    num_layers=NUM_LAYER,
    no_bias=True,
    mlp_ratio=MLP_RATIO,
    apply_post_layer_norm=False,
    dtype=${str(o.dtype)},
    norm_type="rmsnorm",
    layer_norm_epsilon=${py(config.rmsNormEps)},
    num_kv_attention_heads=NUM_KV_ATTENTION_HEAD,
    use_flash_attn=True,
    num_chunks=1,
${extraModel.length ? `${extraModel.join('\n')}\n` : ''})

parallel = dict(
    zero1=dict(size=${o.zero1Size}),
    tensor=dict(size=1, mode="mtp"),
    pipeline=dict(size=1, interleaved_overlap=True),
    weight=dict(size=1, overlap=True, memory_pool=True),
)

cudnn_deterministic = False
cudnn_benchmark = False

monitor = dict(
    alert=dict(
        enable_feishu_alert=DO_ALERT,
        feishu_alert_address=None,
        light_monitor_address=None,
        alert_file_path=f"llm_alter/{JOB_NAME}_alert.log",
    ),
    tensorboard=dict(
        queue_max_length=10,
    ),
)
`;
}

/** The MLP_RATIO source text that reproduces `config.intermediateSize` under InternEvo's rounding. */
function pickMlpRatio(config: LlamaConfig, forced: number | undefined): string {
  const { hiddenSize: d, intermediateSize: f } = config;
  if (forced !== undefined) {
    const got = Number.isFinite(forced) && forced > 0 ? ffnFromMlpRatio(d, forced) : Number.NaN;
    if (got !== f) {
      throw new InternEvoExportError(
        `mlpRatio ${forced} gives intermediate size ${got} in InternEvo (int(${d} * ${forced}) rounded up to a multiple of ${INTERNEVO_MULTIPLE_OF}), not the config's ${f}`,
      );
    }
    return py(forced);
  }
  const fit = mlpRatioFor(d, f);
  if (!fit) {
    const down = Math.floor(f / INTERNEVO_MULTIPLE_OF) * INTERNEVO_MULTIPLE_OF;
    throw new InternEvoExportError(
      `intermediateSize ${f} has no InternEvo mlp_ratio: InternEvo's FeedForward rounds int(hidden_size * mlp_ratio) up to a multiple of ` +
        `${INTERNEVO_MULTIPLE_OF} (multiple_of=${INTERNEVO_MULTIPLE_OF}), so only multiples of ${INTERNEVO_MULTIPLE_OF} are reachable; ` +
        `nearest: ${down > 0 ? `${down} or ` : ''}${down + INTERNEVO_MULTIPLE_OF}`,
    );
  }
  return fit.python;
}

/** A Python float/int literal for a finite JS number (JS and Python both print shortest round-trip). */
function py(n: number): string {
  return String(n);
}

/** A Python string literal (JSON string escapes are valid Python escapes). */
function str(s: string): string {
  return JSON.stringify(s);
}

function posInt(argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError({ argument, value, allowed: 'a positive integer' });
}
function posNum(argument: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new InvalidArgumentError({ argument, value, allowed: 'a finite number > 0' });
}
function oneOf(argument: string, value: string, allowed: string[]): void {
  if (!allowed.includes(value)) throw new InvalidArgumentError({ argument, value, allowed: allowed.join(', ') });
}
