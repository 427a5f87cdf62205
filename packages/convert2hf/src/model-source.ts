// What every checkpoint reader of this package produces, and the Hugging Face writer consumes: a
// LLaMA config and the model's tensors under their Hugging Face names and layouts, each read from
// its source files only when the writer reaches it.

import type { LlamaConfig } from '@tinylm/arch-config';
import type { Dtype } from '@tinylm/hf-io';

/** One tensor of a model being converted, already in Hugging Face name, shape and layout. */
export interface SourceTensor {
  /** The Hugging Face name, e.g. `model.layers.0.self_attn.q_proj.weight`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** The dtype it is stored in at the source (F32, F16 or BF16 for floating-point weights). */
  readonly sourceDtype: Dtype;
  /** Reads it as float32 (exact for F32, F16, BF16 sources). */
  read(): Promise<Float32Array>;
  /** Reads its raw little-endian bytes in `sourceDtype`, when the source can do so without conversion. */
  readRaw?(): Promise<Uint8Array>;
}

/** Where a model comes from. */
export type SourceKind = 'hf-folder' | 'tinylm-checkpoint' | 'internevo';

/** A model opened for conversion. Call `close()` when done. */
export interface ModelSource {
  readonly kind: SourceKind;
  /** The folder or file the model was read from. */
  readonly path: string;
  readonly config: LlamaConfig;
  /** True when q/k/v/o carry biases (Hugging Face `attention_bias: true`). */
  readonly attentionBias: boolean;
  /** Every tensor, in Hugging Face state-dict order. */
  readonly tensors: readonly SourceTensor[];
  /** A folder in the source that holds tokenizer files, if any. */
  readonly tokenizerDir?: string;
  /** What was read and what was left out (optimizer state, trainer state, rotary buffers...). */
  readonly notes: readonly string[];
  close(): Promise<void>;
}
