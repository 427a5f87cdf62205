// `--load-model-only DIR` when DIR is on this machine: what InternEvo's loader will find there,
// checked before a multi-GPU job stops on it. Only the file names are read (one readdir).
// - InternEvo shards: load_model_checkpoint (internlm/utils/model_checkpoint.py on v0.3.x, the
//   same rule later) takes the largest tp / pp index of the model_tp{t}_pp{p}.pt files and asserts
//   the run's tensor / pipeline sizes equal them; so the split is read from the names, used when
//   the flags are absent and compared when they are given.
// - A Hugging Face folder: v0.3.x / 0.3.4's hf_llama loader lists only pytorch_model*.bin (a
//   folder of model.safetensors loads nothing and fails on its first key); today's reads both.
// A path with a remote storage prefix (boto3:, volc:, ...) is left to InternEvo.
import { readdirSync, statSync } from 'node:fs';
import { resolveInternEvoVersion } from '@tinylm/arch-config';
import { showValue } from '@tinylm/errors';
import { UsageError } from '../args';

const SHARD = /^model_tp(\d{1,6})_pp(\d{1,6})\.pt$/;
const REMOTE = /^(boto3|volc|oss2|s3|vc|ali):/;

export interface FolderFacts {
  /** The shards' split, for an InternEvo folder. */
  tensorParallel?: number;
  pipelineParallel?: number;
}

/** Checks a local --load-model-only folder for `kind`; undefined when the folder is not local or not present. */
export function checkModelOnlyFolder(
  dir: string,
  kind: 'internevo' | 'hf' | 'llama',
  version: string | undefined,
  sizes: { tensorParallel?: number; pipelineParallel?: number },
): FolderFacts | undefined {
  if (REMOTE.test(dir)) return undefined;
  const path = dir.startsWith('local:') ? dir.slice('local:'.length) : dir;
  let names: string[];
  try {
    if (!statSync(path).isDirectory()) throw new UsageError(`--load-model-only ${showValue(dir)} is a file; give the folder`);
    names = readdirSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // a path on the cluster, not here
    throw new UsageError(`--load-model-only ${showValue(dir)} cannot be read: ${(e as Error).message}`, { cause: e });
  }
  if (kind === 'hf') return checkHf(dir, names, version);
  if (kind === 'internevo') return checkShards(dir, names, sizes);
  return {};
}

function checkHf(dir: string, names: string[], version: string | undefined): FolderFacts {
  const info = resolveInternEvoVersion(version ?? 'v0.3', '--internevo-version');
  const bin = names.some((n) => n.startsWith('pytorch_model') && n.endsWith('.bin'));
  const safetensors = names.some((n) => n.startsWith('model') && n.endsWith('.safetensors'));
  if (bin || (safetensors && info.name === 'latest')) return {};
  if (safetensors) {
    throw new UsageError(
      `--load-model-only ${showValue(dir)} holds model*.safetensors but no pytorch_model*.bin, and InternEvo ${info.name}'s hf_llama loader reads only ` +
        'pytorch_model*.bin (it would load nothing); use --internevo-version latest, or write InternEvo shards (tinylm inherit --format internevo) and --load-ckpt-type internevo',
      { field: '--load-model-only' },
    );
  }
  throw new UsageError(`--load-model-only ${showValue(dir)} holds no Hugging Face weights (pytorch_model*.bin or model*.safetensors)`, {
    field: '--load-model-only',
  });
}

function checkShards(dir: string, names: string[], sizes: { tensorParallel?: number; pipelineParallel?: number }): FolderFacts {
  let tp = -1;
  let pp = -1;
  for (const name of names) {
    const m = SHARD.exec(name);
    if (!m) continue;
    tp = Math.max(tp, Number(m[1]));
    pp = Math.max(pp, Number(m[2]));
  }
  // Other shard names (model_tp{t}_wp{w}_pp{p}.pt for isp, _zo{z} for FSDP) are left to InternEvo.
  if (tp < 0 && names.some((n) => n.startsWith('model_t'))) return {};
  if (tp < 0) {
    throw new UsageError(
      `--load-model-only ${showValue(dir)} holds no InternEvo shards (model_tp{t}_pp{p}.pt); for a Hugging Face folder pass --load-ckpt-type hf`,
      { field: '--load-model-only' },
    );
  }
  const facts = { tensorParallel: tp + 1, pipelineParallel: pp + 1 };
  for (const [flag, given, saved] of [
    ['tensor-parallel', sizes.tensorParallel, facts.tensorParallel],
    ['pipeline-parallel', sizes.pipelineParallel, facts.pipelineParallel],
  ] as const) {
    if (given !== undefined && given !== saved) {
      throw new UsageError(
        `--${flag} ${given} does not match the shards in ${showValue(dir)}, saved for ${saved} (InternEvo asserts they are equal); pass --${flag} ${saved} or re-split the checkpoint`,
        { field: `--${flag}`, value: given, allowed: String(saved) },
      );
    }
  }
  return facts;
}
