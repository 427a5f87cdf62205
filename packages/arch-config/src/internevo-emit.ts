// InternEvo training config (a Python file of module-level constants and dicts, what InternEvo's
// Config.from_file executes) for a LLaMA-2 config, for a chosen InternEvo line (see
// internevo-versions.ts): the rotary-layout key and the ckpt_type names that line registers,
// a warm start from model weights only, and a parallel layout InternEvo accepts.
// Layout and defaults follow the PanGu-π Pro release's configs/LLM1B.py (model_type "LLAMA2",
// AdamW lr 1e-4, betas 0.9/0.95, eps 1e-8, weight decay 0.1, warmup 3%, cosine to 1e-5, clip
// 1.0, bf16, 50k steps, zero1 8 on one node of 8 GPUs, started by torchrun train.py --launcher
// torch); `no_bias` and `num_kv_attention_heads` follow InternEvo's configs/7B_llama2.py.
// InternEvo takes the FFN as `mlp_ratio` and builds `int(hidden_size * mlp_ratio)` rounded up to
// a multiple of 256 (see ffn.ts), so MLP_RATIO is a fraction that reproduces `intermediateSize`
// exactly, or export is refused.

import { parseOptions } from '@tinylm/errors';
import { z } from 'zod';
import type { SameShape } from '@tinylm/errors';
import type { LlamaConfig } from './config';
import { CONFIG_DEFAULTS } from './config';
import { InternEvoExportError, InvalidArgumentError } from './errors';
import { ffnFromMlpRatio, INTERNEVO_MULTIPLE_OF, mlpRatioFor } from './ffn';
import { type InternEvoParallel, internEvoParallel } from './internevo-parallel';
import {
  DEFAULT_INTERNEVO_VERSION,
  type InternEvoCkptKind,
  type InternEvoVersionInfo,
  resolveInternEvoVersion,
  type RotaryLayout,
} from './internevo-versions';

/** Options of `emitInternEvoConfig`; defaults are those of configs/LLM1B.py. */
/** The training settings of configs/LLM1B.py that both emitters take; defaults are that file's. */
export interface InternEvoTrainingOptions {
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
}

export interface InternEvoEmitOptions extends InternEvoTrainingOptions {
  /** The InternEvo line: "v0.3" (default, the authors'; also "0.3.2", "v0.3.2dev20240313", ...), "v0.3.4" or "latest". */
  internevoVersion?: string;
  /**
   * Model weights to start from (MODEL_ONLY_FOLDER): load_ckpt_info = dict(path, content=("model",),
   * ckpt_type) with the version's name for `loadCkptType`. A path without a storage prefix gets
   * "local:". Absent: the job trains from scratch (load_ckpt_info=None).
   */
  modelOnlyFolder?: string;
  /** What `modelOnlyFolder` holds: "internevo" (default: model_tp{t}_pp{p}.pt shards, as the authors loaded), "hf" (a Hugging Face LLaMA folder) or "llama" (Meta's files). */
  loadCkptType?: InternEvoCkptKind;
  /** Rotary layout of the weights' wq / wk rows; default "half" (Hugging Face's; "interleaved" for loadCkptType "llama"). */
  rotary?: RotaryLayout;
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
  /** Data-parallel size; default 8. */
  dataParallel?: number;
  /** ZeRO-1 group size, a divisor of dataParallel; default the largest one <= 8. */
  zero1Size?: number;
  /** Tensor-parallel size (mode "mtp"); must equal the shards' for an "internevo" warm start; default 1. */
  tensorParallel?: number;
  /** Pipeline-parallel size; must equal the shards' for an "internevo" warm start; default 1. */
  pipelineParallel?: number;
  /** Force this MLP_RATIO (must reproduce intermediateSize); default: the simplest fraction that does. */
  mlpRatio?: number;
  /** Where the launch command in the header says the file is, relative to the InternEvo checkout; default "./configs/tinylm.py". */
  configPath?: string;
}

const optionalNumber = z.number().optional();
const optionalString = z.string().optional();
export const internEvoEmitOptions = z.strictObject({
  internevoVersion: optionalString,
  jobName: optionalString,
  seqLen: optionalNumber,
  microNum: optionalNumber,
  microBsz: optionalNumber,
  totalSteps: optionalNumber,
  lr: optionalNumber,
  minLr: optionalNumber,
  warmupRatio: optionalNumber,
  weightDecay: optionalNumber,
  clipGradNorm: optionalNumber,
  dtype: z.enum(['torch.bfloat16', 'torch.float16', 'torch.float32']).optional(),
  modelOnlyFolder: optionalString,
  loadCkptType: z.enum(['internevo', 'hf', 'llama']).optional(),
  rotary: z.enum(['half', 'interleaved']).optional(),
  saveCkptFolder: optionalString,
  checkpointEvery: optionalNumber,
  trainFolder: optionalString,
  validFolder: optionalString,
  validEvery: optionalNumber,
  dataParallel: optionalNumber,
  zero1Size: optionalNumber,
  tensorParallel: optionalNumber,
  pipelineParallel: optionalNumber,
  mlpRatio: optionalNumber,
  configPath: optionalString,
});
true satisfies SameShape<z.input<typeof internEvoEmitOptions>, InternEvoEmitOptions>;

/** Python source of an InternEvo config file for `config`. Throws InternEvoExportError / InvalidArgumentError when inexpressible. */
export function emitInternEvoConfig(config: LlamaConfig, options: InternEvoEmitOptions = {}): string {
  return emitChecked(config, parseOptions(internEvoEmitOptions, options, 'emitInternEvoConfig'));
}

/** The emitter after its options passed a schema (toInternEvoConfig maps its own options here). */
export function emitChecked(config: LlamaConfig, opts: InternEvoEmitOptions): string {
  const version = resolveInternEvoVersion(opts.internevoVersion ?? DEFAULT_INTERNEVO_VERSION);
  if (config.tieWordEmbeddings) {
    throw new InternEvoExportError(
      "tieWordEmbeddings = true cannot be exported: InternEvo's LLAMA2 model always has a separate output head; use an untied config",
    );
  }
  const ratio = pickMlpRatio(config, opts.mlpRatio);
  const seqLen = opts.seqLen ?? Math.min(config.maxPositionEmbeddings, 2048);
  posInt('seqLen', seqLen);
  if (seqLen > config.maxPositionEmbeddings) {
    throw new InvalidArgumentError({
      field: 'seqLen',
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
    saveCkptFolder: opts.saveCkptFolder ?? 'local:llm_ckpts',
    checkpointEvery: opts.checkpointEvery ?? 50,
    validEvery: opts.validEvery ?? 1000,
    configPath: opts.configPath ?? './configs/tinylm.py',
  };
  for (const key of ['microNum', 'microBsz', 'totalSteps', 'checkpointEvery'] as const) posInt(key, o[key]);
  for (const key of ['lr', 'minLr', 'clipGradNorm'] as const) posNum(key, o[key]);
  if (!(o.warmupRatio >= 0 && o.warmupRatio < 1))
    throw new InvalidArgumentError({ field: 'warmupRatio', value: o.warmupRatio, allowed: 'a number in [0, 1)' });
  if (!(o.weightDecay >= 0)) throw new InvalidArgumentError({ field: 'weightDecay', value: o.weightDecay, allowed: 'a number >= 0' });
  if (!Number.isInteger(o.validEvery) || o.validEvery < 0)
    throw new InvalidArgumentError({ field: 'validEvery', value: o.validEvery, allowed: 'an integer >= 0 (0 disables evaluation)' });
  oneOf('dtype', o.dtype, ['torch.bfloat16', 'torch.float16', 'torch.float32']);
  const parallel = internEvoParallel(config, opts);
  const warm = warmStart(version, opts);

  const extraModel: string[] = [];
  if (config.ropeTheta !== CONFIG_DEFAULTS.ropeTheta) extraModel.push(`    rope_base=${py(config.ropeTheta)},`);
  if (config.initStd !== CONFIG_DEFAULTS.initStd) {
    for (const k of ['embedding', 'attn_wqkv', 'attn_other', 'ffn_uplayer', 'ffn_other', 'out_head'])
      extraModel.push(`    ${k}_init_std=${py(config.initStd)},`);
  }
  const kvNote = config.numKvHeads === config.numHeads ? 'MHA' : `GQA, ${config.numHeads / config.numKvHeads} query heads per KV head`;
  const rotaryLine =
    version.rotaryKey === 'adapt_hf'
      ? `    adapt_hf=${warm.rotary === 'half' ? 'True' : 'False'},  # rotary: ${warm.rotary === 'half' ? 'Hugging Face half split' : 'interleaved wq/wk rows'}`
      : `    qk_interleaved=${warm.rotary === 'interleaved' ? 'True' : 'False'},  # rotary: ${warm.rotary === 'half' ? 'Hugging Face half split' : 'interleaved wq/wk rows'}`;
  const registered = Object.values(version.ckptTypes)
    .map((t) => `"${t}"`)
    .join(', ');

  return `# InternEvo training config for a LLaMA-2 decoder, written by @tinylm/arch-config for InternEvo ${version.name}
# (checked against ${version.checked}).
# Layout of configs/LLM1B.py from the PanGu-pi Pro release (Tang et al. 2024, arXiv 2402.02791).
${launchLines(parallel, o.configPath).join('\n')}
${warm.lines.join('\n')}
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

MODEL_ONLY_FOLDER = ${warm.folder === undefined ? 'None' : str(warm.folder)}
# Ckpt folder format:
# fs: 'local:/mnt/nfs/XXX'
SAVE_CKPT_FOLDER = ${str(o.saveCkptFolder)}
CHECKPOINT_EVERY = ${o.checkpointEvery}
model_type = "LLAMA2"
ckpt = dict(
    enable_save_ckpt=True,  # enable ckpt save.
    save_ckpt_folder=SAVE_CKPT_FOLDER,  # Path to save training ckpt.
    # load_ckpt_info: path, content (what to load; "model" only for a warm start) and ckpt_type,
    # one of the names InternEvo ${version.name} registers: ${registered}.
    load_ckpt_info=${warm.ckptType === undefined ? 'None' : `dict(path=MODEL_ONLY_FOLDER, content=("model",), ckpt_type=${str(warm.ckptType)})`},
${version.legacyLoadGivenCkpt ? `    load_given_ckpt=${warm.folder === undefined ? 'False' : 'True'},  # False: train from scratch\n` : ''}    auto_resume=False,  # True would replace load_ckpt_info by the latest checkpoint in SAVE_CKPT_FOLDER
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
${version.embedSplitHiddenKey ? '    embed_split_hidden=True,\n' : ''}    vocab_size=VOCAB_SIZE,
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
${rotaryLine}
${extraModel.length ? `${extraModel.join('\n')}\n` : ''})

# ${parallel.worldSize} GPUs = data ${parallel.dataParallel} x tensor ${parallel.tensorParallel} x pipeline ${parallel.pipelineParallel}; InternEvo derives the data-parallel size
# from the launch (world / pipeline / tensor) and requires it to be a multiple of zero1.
parallel = dict(
    zero1=dict(size=${parallel.zero1Size}),
    tensor=dict(size=${parallel.tensorParallel}, mode="mtp"),
    pipeline=dict(size=${parallel.pipelineParallel}, interleaved_overlap=True),
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

interface WarmStart {
  folder?: string;
  ckptType?: string;
  rotary: RotaryLayout;
  /** Header comment lines. */
  lines: string[];
}

// The storage prefixes InternEvo's try_get_storage_backend knows (internlm/utils/storage_manager.py).
const STORAGE_PREFIX = /^(local|boto3|volc|oss2|s3|vc|ali):/;

/** load_ckpt_info's folder, type name and the rotary layout, refused where the version cannot load them. */
function warmStart(version: InternEvoVersionInfo, opts: InternEvoEmitOptions): WarmStart {
  const kind = opts.loadCkptType ?? 'internevo';
  // A Hugging Face folder is half split; Meta's original files interleave each rotary pair.
  const natural: RotaryLayout = kind === 'llama' ? 'interleaved' : 'half';
  const rotary = opts.rotary ?? natural;
  if (opts.modelOnlyFolder === undefined) {
    if (opts.loadCkptType !== undefined)
      throw new InvalidArgumentError({
        field: 'loadCkptType',
        value: opts.loadCkptType,
        allowed: 'only with modelOnlyFolder (the weights to start from)',
      });
    return { rotary, lines: [`# From scratch (load_ckpt_info=None); ${rotaryNote(version, rotary)}.`] };
  }
  if (opts.modelOnlyFolder === '')
    throw new InvalidArgumentError({
      field: 'modelOnlyFolder',
      value: '',
      allowed: 'a folder path, e.g. "/data/pruned" or "local:/data/pruned"',
    });
  const ckptType = version.ckptTypes[kind];
  if (ckptType === undefined) {
    const known = Object.entries(version.ckptTypes)
      .map(([k, v]) => `${k} (ckpt_type "${v}")`)
      .join(', ');
    throw new InvalidArgumentError({
      field: 'loadCkptType',
      value: kind,
      reason: `InternEvo ${version.name} registers no checkpoint loader for it`,
      allowed: known,
    });
  }
  if (kind !== 'internevo' && rotary !== natural) {
    throw new InvalidArgumentError({
      field: 'rotary',
      value: rotary,
      reason: `a ${kind === 'hf' ? 'Hugging Face folder is in the half-split' : 'Meta LLaMA checkpoint is in the interleaved'} rotary layout`,
      allowed: natural,
    });
  }
  const folder = STORAGE_PREFIX.test(opts.modelOnlyFolder) ? opts.modelOnlyFolder : `local:${opts.modelOnlyFolder}`;
  const what =
    kind === 'internevo'
      ? `InternEvo shards model_tp{t}_pp{p}.pt; their tensor / pipeline split must equal this run's (${opts.tensorParallel ?? 1} x ${opts.pipelineParallel ?? 1})`
      : kind === 'hf'
        ? `a Hugging Face LLaMA folder; InternEvo ${version.name} reads ${version.hfFiles}`
        : `Meta LLaMA files (model_t*, *.pth or *.pt)`;
  return {
    folder,
    ckptType,
    rotary,
    lines: [`# Warm start, model weights only: ${what} (ckpt_type "${ckptType}").`, `# ${rotaryNote(version, rotary)}.`],
  };
}

function rotaryNote(version: InternEvoVersionInfo, rotary: RotaryLayout): string {
  const value = version.rotaryKey === 'adapt_hf' ? rotary === 'half' : rotary === 'interleaved';
  return `Rotary layout of wq/wk: ${rotary === 'half' ? 'half split (as Hugging Face)' : 'interleaved pairs'}, stated as ${version.rotaryKey}=${value ? 'True' : 'False'}`;
}

/** The header lines with InternEvo's own entry point (train.py) under torchrun and under slurm. */
function launchLines(p: InternEvoParallel, configPath: string): string[] {
  const perNode = p.worldSize <= 8 ? p.worldSize : p.worldSize % 8 === 0 ? 8 : p.worldSize;
  const nodes = p.worldSize / perNode;
  const multi = nodes > 1 ? ' --node_rank RANK --master_addr HOST --master_port PORT' : '';
  const file = configPath.replace(/[\r\n]/g, ' ');
  return [
    `# Run from an InternEvo checkout with this file at ${file}, on ${p.worldSize} GPUs (${nodes} node${nodes > 1 ? 's' : ''} x ${perNode}):`,
    `#   torchrun --nnodes ${nodes} --nproc_per_node ${perNode}${multi} train.py --config ${file} --launcher torch`,
    `#   srun -p PARTITION -N ${nodes} -n ${p.worldSize} --ntasks-per-node=${perNode} --gpus-per-task=1 python train.py --config ${file} --launcher slurm`,
  ];
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

function posInt(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError({ field, value, allowed: 'a positive integer' });
}
function posNum(field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new InvalidArgumentError({ field, value, allowed: 'a finite number > 0' });
}
function oneOf(field: string, value: string, allowed: string[]): void {
  if (!allowed.includes(value)) throw new InvalidArgumentError({ field, value, allowed: allowed.join(', ') });
}
