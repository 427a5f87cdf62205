// Tests of memory.ts: ZeRO state bytes, the LLaMA activation count and the KV cache, by hand.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { bytesPerElement, inferenceMemory, trainingMemory } from './memory';
import { getPreset } from './presets';

describe('trainingMemory', () => {
  it('bench-5m, batch 8 x 128, float32: every term by hand', () => {
    const m = trainingMemory(getPreset('bench-5m').config, { batch: 8, seqLen: 128 });
    const N = 5_261_568;
    expect(m.weights).toBe(4 * N);
    expect(m.gradients).toBe(4 * N);
    expect(m.masterWeights).toBe(0);
    expect(m.optimizer).toBe(8 * N);
    // per layer: 4 bytes · B·T·(5d + 2kv + 3f) + 4 bytes · B·nh·T²
    const dense = 4 * 8 * 128 * (5 * 256 + 2 * 256 + 3 * 688);
    const scores = 4 * 8 * 4 * 128 * 128;
    expect(m.activations.perLayer).toBe(dense + scores);
    expect(m.activations.perLayer).toBe(17_891_328);
    expect(m.activations.layers).toBe(4 * 17_891_328);
    expect(m.activations.head).toBe(4 * 8 * 128 * 2 * 256 + 4 * 8 * 128 * 4096);
    expect(m.total).toBe(16 * N + m.activations.total);
    expect(m.total).toBe(174_624_768);
  });

  it('mixed precision keeps 16 bytes per parameter of state (ZeRO) and halves activations', () => {
    const c = getPreset('tinyllama-1.1b').config;
    const bf = trainingMemory(c, { batch: 1, seqLen: 2048, dtype: 'bfloat16' });
    const fp = trainingMemory(c, { batch: 1, seqLen: 2048, dtype: 'float32' });
    const N = 1_100_048_384;
    expect(bf.weights + bf.gradients + bf.masterWeights + bf.optimizer).toBe(16 * N);
    expect(fp.weights + fp.gradients + fp.masterWeights + fp.optimizer).toBe(16 * N);
    expect(bf.masterWeights).toBe(4 * N);
    expect(bf.activations.layers * 2).toBe(fp.activations.layers);
  });

  it('GQA: K and V activations use the KV width (TinyLlama, kv = 256)', () => {
    const m = trainingMemory(getPreset('tinyllama-1.1b').config, { batch: 1, seqLen: 16 });
    expect(m.activations.perLayer).toBe(4 * 16 * (5 * 2048 + 2 * 256 + 3 * 5632) + 4 * 32 * 16 * 16);
  });

  it('flash attention drops the T² term for a per-head fp32 log-sum-exp', () => {
    const c = getPreset('bench-20m').config;
    const plain = trainingMemory(c, { batch: 2, seqLen: 256 });
    const flash = trainingMemory(c, { batch: 2, seqLen: 256, flashAttention: true });
    expect(plain.activations.perLayer - flash.activations.perLayer).toBe(4 * 2 * 6 * 256 * 256 - 4 * 2 * 6 * 256);
  });

  it('rejects bad batch, seqLen and dtype, listing dtypes', () => {
    const c = getPreset('bench-5m').config;
    expect(() => trainingMemory(c, { batch: 0, seqLen: 8 })).toThrow(InvalidArgumentError);
    expect(() => trainingMemory(c, { batch: 1, seqLen: 1.5 })).toThrow('seqLen = 1.5 is invalid');
    expect(() => trainingMemory(c, { batch: 1, seqLen: 8, dtype: 'int8' as never })).toThrow(
      'trainingMemory: dtype: expected a dtype, one of float32 (f32), float16 (f16), bfloat16 (bf16) (got "int8")',
    );
    expect(trainingMemory(c, { batch: 1, seqLen: 8, dtype: 'f16' })).toEqual(trainingMemory(c, { batch: 1, seqLen: 8, dtype: 'float16' }));
    expect(inferenceMemory(c, { batch: 1, seqLen: 8, kvDtype: 'bf16' }).kvDtype).toBe('bfloat16');
    expect(() => bytesPerElement('toString' as never)).toThrow(InvalidArgumentError);
  });
});

describe('inferenceMemory', () => {
  it('LLaMA-2-7B fp16 at 4096 tokens: 0.5 MiB of KV cache per token, 2 GiB in all', () => {
    const m = inferenceMemory(getPreset('llama2-7b').config, { batch: 1, seqLen: 4096, dtype: 'float16' });
    expect(m.weights).toBe(2 * 6_738_415_616);
    expect(m.kvCache).toBe(2 * 32 * 4096 * 4096 * 2);
    expect(m.kvCache / 4096).toBe(512 * 1024);
    expect(m.total).toBe(m.weights + m.kvCache);
  });

  it('GQA shrinks the KV cache by the group factor; kvDtype is separate', () => {
    const m = inferenceMemory(getPreset('tinyllama-1.1b').config, { batch: 4, seqLen: 2048, dtype: 'float32', kvDtype: 'bfloat16' });
    expect(m.kvCache).toBe(2 * 22 * 4 * 2048 * 256 * 2);
    expect(m.weights).toBe(4 * 1_100_048_384);
  });
});
