// InternEvo's model config as saved beside its checkpoints: `model_config.pt`, a torch.save of
// `gpc.config.model` (the `model = dict(...)` block of the training config), written by
// internlm/checkpoint/checkpoint_manager.py (`save_checkpoint`: llm_save(".../model_config.pt",
// saved_obj=model_config)) and read by the authors' tools/transformers/convert2hf.py. The object is
// InternEvo's `Config`, a dict subclass defined in internlm/core/context/parallel_context.py; its
// `dtype` is a torch dtype. Both are read as plain data: the class is only allowed as a dict.

import { SourceCheckpointError } from './errors';
import { type GlobalHandler, type PickleValue, PyDict } from './pickle';
import { loadTorchFile, toPlain } from './torch-checkpoint';

function configDict(className: string): GlobalHandler {
  return {
    construct(args, { refuse }) {
      if (args.length !== 0) refuse('expects no constructor arguments');
      return new PyDict(className);
    },
    call(args, { refuse }) {
      const d = new PyDict(className);
      if (args.length === 0) return d;
      if (args.length === 1 && args[0] instanceof PyDict) {
        for (const [k, v] of args[0].map) d.map.set(k, v);
        return d;
      }
      return refuse('expects no arguments or one dict');
    },
  };
}

/**
 * InternEvo's `Config` classes (old and new module paths), allowed only as plain dicts. Add to
 * `loadTorchFile`'s `extraGlobals` to read `model_config.pt`.
 */
export const INTERNEVO_CONFIG_GLOBALS: Readonly<Record<string, GlobalHandler>> = Object.freeze({
  'internlm.core.context.parallel_context.Config': configDict('internlm.core.context.parallel_context.Config'),
  'internlm.utils.config.Config': configDict('internlm.utils.config.Config'),
});

/**
 * The keys of InternEvo's `model = dict(...)` that conversion reads (names as InternEvo spells
 * them, see internlm/model/modeling_llama.py `build_model_with_cfg`). Every key is optional;
 * what a checkpoint's shapes determine is checked against what is given here.
 */
export interface InternEvoModelConfig {
  num_layers?: number;
  hidden_size?: number;
  num_attention_heads?: number;
  num_kv_attention_heads?: number;
  vocab_size?: number;
  mlp_ratio?: number;
  multiple_of?: number;
  layer_norm_epsilon?: number;
  rope_base?: number;
  norm_type?: string;
  no_bias?: boolean;
  use_swiglu?: boolean;
  apply_post_layer_norm?: boolean;
  embed_split_hidden?: boolean;
  /** Old InternEvo (LLAMA2): true when wq/wk are in Hugging Face's half-split rotary layout. */
  adapt_hf?: boolean;
  /** New InternEvo: true when wq/wk rows are in the interleaved (Meta) rotary layout. */
  qk_interleaved?: boolean;
  dtype?: string;
  /**
   * Written by tinylm's export only (InternEvo saves model_config.pt but never reads it back):
   * which of w2 / w3 is the down projection, which the shapes cannot tell when FFN / tp = hidden.
   */
  tinylm_mlp_w2?: 'up' | 'down';
  [key: string]: unknown;
}

/**
 * Reads an InternEvo `model_config.pt` into plain data. Throws `SourceCheckpointError` naming the file
 * when it does not hold a dict; `UnsafePickleError` when it needs a global outside the allow-list.
 */
export async function readInternEvoModelConfig(path: string): Promise<InternEvoModelConfig> {
  const file = await loadTorchFile(path, { extraGlobals: INTERNEVO_CONFIG_GLOBALS });
  try {
    const value: PickleValue = file.object;
    if (!(value instanceof PyDict)) {
      throw new SourceCheckpointError({ message: `${path}: expected InternEvo's model config (a dict), found something else`, file: path });
    }
    // the budget grows with the pickle: a shared reference may appear many times, but a
    // few hundred bytes may not unfold into billions of nodes
    return toPlain(value, { source: path, maxNodes: 1024 + 16 * file.pickleBytes }) as InternEvoModelConfig;
  } finally {
    await file.close();
  }
}
