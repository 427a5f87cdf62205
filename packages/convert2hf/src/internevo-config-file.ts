// InternEvo's `config_file.pt`: the whole training config file's text, torch.save'd as one Python
// str beside the shards (internlm/checkpoint/checkpoint_manager.py `save_checkpoint`:
// llm_save(".../config_file.pt", saved_obj=model_config_file), train.py passes
// "".join(config_lines)). It is the only place a checkpoint records its model type: `model_type`
// is a top-level key of the config (internlm/initialize/launch.py defaults it to "INTERNLM"),
// outside the `model = dict(...)` block that model_config.pt holds. The text is Python; it is
// never run, only scanned for the few assignments conversion needs.

import { showValue } from '@tinylm/errors';
import type { InternEvoModelType } from './internevo-layout';
import { fail } from './internevo-parts';
import { loadTorchFile } from './torch-checkpoint';

/** What `config_file.pt` says, where it says it. */
export interface InternEvoConfigFile {
  /** InternEvo's `model_type` as written (e.g. "LLAMA2", "INTERNLM2_PUBLIC"). */
  modelTypeName?: string;
  /** The converter's model type for it; undefined when the file names none. */
  modelType?: InternEvoModelType;
  /** `adapt_hf=` (v0.3.x) in the text. */
  adaptHf?: boolean;
  /** `qk_interleaved=` (newer InternEvo) in the text. */
  qkInterleaved?: boolean;
  /** `SEQ_LEN = N` (the authors' configs), for max_position_embeddings. */
  seqLen?: number;
}

/** InternEvo's model type names (MODEL_TYPE of each modeling_*.py) this converter reads. */
const MODEL_TYPES: Readonly<Record<string, InternEvoModelType>> = Object.freeze({
  LLAMA2: 'LLAMA2',
  INTERNLM: 'INTERNLM',
  INTERNLM2: 'INTERNLM2',
  INTERNLM2_PUBLIC: 'INTERNLM2',
});

/** Longest config text scanned: real configs are a few KB; a bigger one is not a config. */
const MAX_TEXT = 1 << 20;

/**
 * Scans an InternEvo config file's text for `model_type`, `adapt_hf`, `qk_interleaved` and
 * `SEQ_LEN`. Comments are dropped first. A key assigned twice with different values, or a model
 * type this converter cannot take, is an error naming `source`.
 */
export function parseInternEvoConfigText(text: string, source: string): InternEvoConfigFile {
  if (text.length > MAX_TEXT)
    fail(`${source}: ${text.length} characters is too long for an InternEvo config file (at most ${MAX_TEXT})`, { file: source });
  // drop `# ...` comments (a `#` inside a string is rare in these configs and only hides the rest of its line)
  const code = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join('\n');
  const out: InternEvoConfigFile = {};
  const modelType = single(code, /^model_type\s*=\s*["']([^"'\n]*)["']/gm, source, 'model_type');
  if (modelType !== undefined) {
    out.modelTypeName = modelType;
    out.modelType = MODEL_TYPES[modelType];
    if (!out.modelType) {
      fail(`${source}: model_type=${showValue(modelType)} cannot be converted; supported: ${Object.keys(MODEL_TYPES).join(', ')}`, {
        file: source,
        field: 'model_type',
      });
    }
  }
  const flag = (key: string) => {
    const value = single(code, new RegExp(`\\b${key}\\s*=\\s*(True|False)\\b`, 'g'), source, key);
    return value === undefined ? undefined : value === 'True';
  };
  out.adaptHf = flag('adapt_hf');
  out.qkInterleaved = flag('qk_interleaved');
  const seqLen = single(code, /^SEQ_LEN\s*=\s*(\d{1,9})\s*$/gm, source, 'SEQ_LEN');
  if (seqLen !== undefined) out.seqLen = Number(seqLen);
  for (const key of Object.keys(out) as (keyof InternEvoConfigFile)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** The one value `pattern` captures in `code`; an error when it captures different ones. */
function single(code: string, pattern: RegExp, source: string, key: string): string | undefined {
  const values = new Set<string>();
  for (const m of code.matchAll(pattern)) {
    values.add(m[1]);
    if (values.size > 1) {
      fail(
        `${source}: ${key} is assigned different values (${showValue([...values])}); cannot tell which one the checkpoint was trained with`,
        {
          file: source,
          field: key,
        },
      );
    }
  }
  return values.size === 1 ? [...values][0] : undefined;
}

/**
 * Reads `config_file.pt` (a torch.save'd str) and scans it. Throws `SourceCheckpointError` when it
 * holds something else; the pickle / zip readers' errors for a bad file.
 */
export async function readInternEvoConfigFile(path: string): Promise<InternEvoConfigFile> {
  const file = await loadTorchFile(path);
  try {
    if (typeof file.object !== 'string') {
      fail(`${path}: expected InternEvo's config file text (a str), found something else`, { file: path });
    }
    return parseInternEvoConfigText(file.object, path);
  } finally {
    await file.close();
  }
}
