// Tests of report.ts: the raw report equals the parts; the text shows them.
import { describe, expect, it } from 'vitest';
import { flopsPerToken } from './flops';
import { inferenceMemory, trainingMemory } from './memory';
import { countParams } from './param-count';
import { getPreset } from './presets';
import { archReport, formatArchReport } from './report';

describe('archReport', () => {
  it('gathers the raw numbers, JSON-serialisable', () => {
    const c = getPreset('tinyllama-1.1b').config;
    const r = archReport(c, { seqLen: 1024, batch: 4, dtype: 'bfloat16', name: 'tinyllama-1.1b' });
    expect(r.name).toBe('tinyllama-1.1b');
    expect(r.config).toBe(c);
    expect([r.headDim, r.kvDim]).toEqual([64, 256]);
    expect(r.params).toEqual(countParams(c));
    expect(r.embeddingShare).toBeCloseTo((2 * 32000 * 2048) / 1_100_048_384, 15);
    expect(r.flops).toEqual(flopsPerToken(c, { seqLen: 1024 }));
    expect(r.trainingMemory).toEqual(trainingMemory(c, { batch: 4, seqLen: 1024, dtype: 'bfloat16' }));
    expect(r.inferenceMemory).toEqual(inferenceMemory(c, { batch: 4, seqLen: 1024, dtype: 'bfloat16' }));
    expect(JSON.parse(JSON.stringify(r)).params.total).toBe(1_100_048_384);
  });

  it('defaults: seq = maxPositionEmbeddings, batch 1, float32', () => {
    const r = archReport(getPreset('bench-5m').config);
    expect([r.flops.seqLen, r.trainingMemory.batch, r.trainingMemory.dtype]).toEqual([128, 1, 'float32']);
    expect('name' in r).toBe(false);
  });
});

describe('formatArchReport', () => {
  it('shows the shape, exact counts, shares, FLOPs and memory', () => {
    const text = formatArchReport(getPreset('llama2-7b').config, { name: 'llama2-7b', seqLen: 4096, dtype: 'float16' });
    expect(text).toContain('llama2-7b: LLaMA-2 decoder\n');
    expect(text).toContain('vocab 32,000 | hidden 4096 | 32 layers | 32 heads, head size 128 | FFN 11008 | untied head');
    expect(text).toContain('parameters 6,738,415,616 (6.74B)');
    expect(text).toMatch(/embedding\s+131,072,000\s+1\.95%/);
    expect(text).toMatch(/attention q\/k\/v\/o\s+67,108,864 {2}16,777,216 \/ 16,777,216 \/ 16,777,216 \/ 16,777,216/);
    expect(text).toMatch(/embedding \+ head\s+3\.89%/);
    expect(text).toMatch(/training\s+46\.08 GFLOP/); // 46,084,915,200 FLOPs per token
    expect(text).toMatch(/KV cache\s+2\.00 GiB/);
    expect(text).toMatch(/fp32 master weights/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('shows GQA and a tied head', () => {
    const text = formatArchReport(getPreset('tiny-100k').config);
    expect(text).toContain('model: LLaMA-2 decoder');
    expect(text).toContain('4 heads, 2 KV heads (GQA), head size 16');
    expect(text).toMatch(/lm head\s+tied/);
    expect(text).not.toMatch(/fp32 master weights/);
  });
});
