// What differs between the InternEvo releases a config is emitted for, as read in InternEvo's own
// source (github.com/InternLM/InternEvo). Three lines:
// - "v0.3": tags v0.3.0dev20240201, v0.3.1dev20240229, v0.3.2dev20240313 (the line of the
//   authors' configs/LLM1B.py, whose comment lists "internlm", "llama", "hf_llama") and
//   v0.3.3dev20240315. internlm/utils/model_checkpoint.py registers CheckpointLoadType
//   INTERNLM = "internlm", HF_LLAMA = "hf_llama", LLAMA = "llama"; LLAMA2's build_model_with_cfg
//   (internlm/model/modeling_llama.py) takes `adapt_hf` (False: wq/wk rows interleaved per
//   head; True: the Hugging Face half split) and no `qk_interleaved` (it has no **kwargs, so an
//   unknown key is a TypeError at start).
// - "v0.3.4": develop after "refactor code structure based on InternTrain" (00de613, version.txt
//   0.3.4; checked at c628a8c, 2024-03-28). internlm/checkpoint/checkpoint_manager.py starts
//   LOAD_TYPE_FUNC with "internevo" only and adds load_funcs.LOAD_FUNC_DICT ("llama",
//   "hf_llama"): "internlm" is a KeyError. The model still takes `adapt_hf`.
// - "latest": today's line (internlm/model/model_implementations/transformers/modeling_llama.py:
//   Llama2 takes `qk_interleaved`, default False, and no `adapt_hf`; Llama2.load_hf_weights reads
//   pytorch_model*.bin and model*.safetensors); its configs document ckpt_type "internevo" and "hf".
// On every line the native checkpoint loader needs the run's tensor / pipeline sizes to equal the
// shards' (model_tp{t}_pp{p}.pt), and a Hugging Face folder is always in the half-split layout.

import { InvalidArgumentError } from './errors';

/** The checkpoint kinds a warm start can load: InternEvo's own shards, a Hugging Face LLaMA folder, Meta's LLaMA files. */
export type InternEvoCkptKind = 'internevo' | 'hf' | 'llama';

/** The rotary layout of wq / wk rows: Hugging Face's half split, or InternEvo's original interleaved pairs. */
export type RotaryLayout = 'half' | 'interleaved';

export interface InternEvoVersionInfo {
  /** The canonical name: "v0.3", "v0.3.4" or "latest". */
  readonly name: InternEvoVersionName;
  /** The tags / commits this entry was read from, for the emitted header and docs. */
  readonly checked: string;
  /** The model-config key that states the rotary layout. */
  readonly rotaryKey: 'adapt_hf' | 'qk_interleaved';
  /** ckpt_type names this line registers, per kind (absent: not registered). */
  readonly ckptTypes: Readonly<Partial<Record<InternEvoCkptKind, string>>>;
  /** The weight files its Hugging Face loader reads. */
  readonly hfFiles: string;
  /** Whether the legacy `load_given_ckpt` key of the ckpt dict is read (ckpt_info_sanity_check). */
  readonly legacyLoadGivenCkpt: boolean;
  /**
   * Whether the model builder takes `embed_split_hidden`: v0.3.x / 0.3.4's build_model_with_cfg
   * does; today's Llama2(**model) has no such parameter (a TypeError), and its loaders read
   * `model.get("embed_split_hidden", True)`, the value emitted for the older lines.
   */
  readonly embedSplitHiddenKey: boolean;
}

export type InternEvoVersionName = 'v0.3' | 'v0.3.4' | 'latest';

export const INTERNEVO_VERSIONS: Readonly<Record<InternEvoVersionName, InternEvoVersionInfo>> = {
  'v0.3': {
    name: 'v0.3',
    checked: 'v0.3.0dev20240201, v0.3.1dev20240229, v0.3.2dev20240313, v0.3.3dev20240315',
    rotaryKey: 'adapt_hf',
    ckptTypes: { internevo: 'internlm', hf: 'hf_llama', llama: 'llama' },
    hfFiles: 'pytorch_model*.bin only (not model.safetensors)',
    legacyLoadGivenCkpt: true,
    embedSplitHiddenKey: true,
  },
  'v0.3.4': {
    name: 'v0.3.4',
    checked: 'develop 00de613..c628a8c (2024-03, version.txt 0.3.4)',
    rotaryKey: 'adapt_hf',
    ckptTypes: { internevo: 'internevo', hf: 'hf_llama', llama: 'llama' },
    hfFiles: 'pytorch_model*.bin only (not model.safetensors)',
    legacyLoadGivenCkpt: false,
    embedSplitHiddenKey: true,
  },
  latest: {
    name: 'latest',
    checked: "today's develop (model_implementations/transformers/modeling_llama.py, Llama2.load_hf_weights)",
    rotaryKey: 'qk_interleaved',
    ckptTypes: { internevo: 'internevo', hf: 'hf' },
    hfFiles: 'pytorch_model*.bin or model*.safetensors',
    legacyLoadGivenCkpt: false,
    embedSplitHiddenKey: false,
  },
};

/** The version the authors' configs/LLM1B.py was written for. */
export const DEFAULT_INTERNEVO_VERSION: InternEvoVersionName = 'v0.3';

// Spellings accepted for each line: the tags and version numbers it covers.
const ALIASES: Readonly<Record<string, InternEvoVersionName>> = {
  'v0.3': 'v0.3',
  '0.3': 'v0.3',
  ...Object.fromEntries(
    ['0.3.0', '0.3.1', '0.3.2', '0.3.3'].flatMap((v) => [
      [v, 'v0.3'],
      [`v${v}`, 'v0.3'],
    ]),
  ),
  'v0.3.0dev20240201': 'v0.3',
  'v0.3.1dev20240229': 'v0.3',
  'v0.3.2dev20240313': 'v0.3',
  'v0.3.3dev20240315': 'v0.3',
  'v0.3.4': 'v0.3.4',
  '0.3.4': 'v0.3.4',
  latest: 'latest',
  develop: 'latest',
};

/** The line `name` belongs to; an InvalidArgumentError listing the known names otherwise. */
export function resolveInternEvoVersion(name: string, field = 'internevoVersion'): InternEvoVersionInfo {
  const line = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
  if (line === undefined) {
    throw new InvalidArgumentError({
      field,
      value: name,
      reason: 'not an InternEvo line this emitter was checked against',
      allowed: 'v0.3 (also 0.3.0 to 0.3.3 and their vX.Y.ZdevDATE tags), v0.3.4, latest (also develop)',
    });
  }
  return INTERNEVO_VERSIONS[line];
}
