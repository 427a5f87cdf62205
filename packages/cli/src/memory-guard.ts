// Refuses a model shape before anything is allocated for it: a 70-byte config.json can claim a
// model of exabytes, and allocating it tensor by tensor takes many seconds and gigabytes before
// it fails with a RangeError. arch-config's calculator gives the bytes a shape needs (weights,
// gradients, AdamW state and activations for training; weights and KV cache for inference), and
// each tensor's entries are checked against the longest typed array the runtime makes.
import { constants } from 'node:buffer';
import { freemem, totalmem } from 'node:os';
import { formatBytes, inferenceMemory, LLAMA_TENSORS, type LlamaConfig, trainingMemory } from '@tinylm/arch-config';
import { UsageError } from './args';

/** wasm32 addresses 4 GiB (65,536 pages of 64 KiB): the wasm backend keeps every tensor in that one heap. */
export const WASM32_HEAP_BYTES = 2 ** 32;

/** The most entries a typed array (so a tensor's data) may have here: 2^32 in Node 20. */
export const MAX_TYPED_ARRAY_LENGTH = constants.MAX_LENGTH;

export interface ShapeUse {
  /** What the command does with the shape, for the message (`training`, `initialising`, `running`). */
  purpose: 'train' | 'init' | 'inference';
  /** The config's name for the message: a preset, a file or a folder. */
  name: string;
  batch: number;
  seqLen: number;
  /** The backend chosen (`wasm` adds its heap limit). */
  backend?: string;
}

/** The machine's memory, injectable for tests. */
export interface MemoryLimits {
  total: number;
  free: number;
  maxTypedArrayLength: number;
}

export const machineLimits = (): MemoryLimits => ({ total: totalmem(), free: freemem(), maxTypedArrayLength: MAX_TYPED_ARRAY_LENGTH });

const HOW_TO_GO_ON = 'choose a smaller shape (fewer layers, a smaller hidden_size, intermediate_size or vocab_size)';

/**
 * Throws a UsageError when `config` cannot be allocated for `use`: a tensor past the typed-array
 * limit, or an estimate past this machine's memory (or the wasm heap). Returns a warning line when
 * the estimate fits the machine but not the memory free right now.
 */
export function checkShapeFits(config: LlamaConfig, use: ShapeUse, limits: MemoryLimits = machineLimits()): string | undefined {
  const { batch: B, seqLen: T } = use;
  const tensors: [string, number][] = [
    ...LLAMA_TENSORS.map((row): [string, number] => [
      `tensor ${row.perLayer ? `model.layers.N.${row.hfName}` : row.hfName}`,
      row.shape(config).reduce((a, b) => a * b, 1),
    ]),
    ['the logits (batch x seq x vocab_size)', B * T * config.vocabSize],
    ...(use.purpose === 'train'
      ? [['the attention scores (batch x heads x seq x seq)', B * config.numHeads * T * T] as [string, number]]
      : []),
  ];
  for (const [name, entries] of tensors) {
    if (!(entries <= limits.maxTypedArrayLength)) {
      throw new UsageError(
        `${use.name}: ${name} would have ${showCount(entries)} entries, more than the ${showCount(limits.maxTypedArrayLength)} ` +
          `a typed array can hold here, so this shape cannot be allocated: ${HOW_TO_GO_ON}${use.purpose === 'init' ? '' : ', or a smaller --batch / --seq'}`,
        { field: name, value: entries },
      );
    }
  }
  const estimate = estimateBytes(config, use);
  const what =
    use.purpose === 'train'
      ? `training ${use.name} at batch ${B} x seq ${T} needs about ${showBytes(estimate)} (weights, gradients, AdamW state and activations)`
      : `${use.purpose === 'init' ? 'initialising' : 'running'} ${use.name} needs about ${showBytes(estimate)} (weights${use.purpose === 'init' ? '' : ' and KV cache'})`;
  const available = `this machine has ${showBytes(limits.total)} of memory, ${showBytes(limits.free)} free`;
  const wasm = use.backend === 'wasm' && !(estimate <= WASM32_HEAP_BYTES);
  if (!(estimate <= limits.total) || wasm) {
    const heap = wasm
      ? `; the wasm backend keeps every tensor in one heap of at most ${showBytes(WASM32_HEAP_BYTES)} (try --backend blas)`
      : '';
    throw new UsageError(
      `${what}, but ${available}${heap}: ${HOW_TO_GO_ON}${use.purpose === 'train' ? ', or a smaller --batch / --seq' : ''}`,
      {
        field: use.name,
        value: estimate,
        allowed: `at most ${showBytes(limits.total)}`,
      },
    );
  }
  return estimate > limits.free ? `warning: ${what}; ${available}, so it may swap or be killed` : undefined;
}

function estimateBytes(config: LlamaConfig, use: ShapeUse): number {
  if (use.purpose === 'train') return trainingMemory(config, { batch: use.batch, seqLen: use.seqLen }).total;
  return inferenceMemory(config, { batch: use.batch, seqLen: use.seqLen }).total;
}

/** formatBytes up to TiB; beyond a PiB a power of ten reads better than millions of TiB. */
function showBytes(bytes: number): string {
  return bytes < 2 ** 50 ? formatBytes(bytes) : `${bytes.toExponential(2)} bytes`;
}

function showCount(n: number): string {
  return n < 1e15 ? n.toLocaleString('en-US') : n.toExponential(2);
}
