// Save and load Hugging Face folders: names and layouts, F32/F16/BF16, shards, tied embeddings,
// and errors for folders that do not fit their config.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfig } from '@tinylm/arch-config';
import { initBackend } from '@tinylm/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHfModel, saveHfModel } from './hf-weights';
import { LlamaModel } from './model';

const config = resolveConfig({ vocabSize: 40, hiddenSize: 16, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 24 });
let dir: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'tinylm-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logitsOf(m: LlamaModel): Promise<Float32Array> {
  return (await m.forward(tf.tensor2d([[1, 5, 9, 2]], [1, 4], 'int32')).data()) as Float32Array;
}

describe('Hugging Face folders', () => {
  it('float32 round trip is exact, with transformers tensor names and config.json', async () => {
    const m = LlamaModel.create(config, { seed: 2 });
    const out = join(dir, 'f32');
    await saveHfModel(m, out);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['config.json', 'generation_config.json', 'model.safetensors']);
    const cfg = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(cfg.architectures).toEqual(['LlamaForCausalLM']);
    expect(cfg.num_key_value_heads).toBe(2);
    const back = await loadHfModel(out);
    expect(back.config).toEqual(m.config);
    expect(Array.from(await logitsOf(back))).toEqual(Array.from(await logitsOf(m)));
    expect([...back.params.keys()]).toContain('model.layers.1.self_attn.k_proj.weight');
    m.dispose();
    back.dispose();
  });

  it('bfloat16 and float16 round trips are within their precision', async () => {
    const m = LlamaModel.create(config, { seed: 3 });
    const ref = await logitsOf(m);
    for (const [dtype, tol] of [
      ['bfloat16', 2e-2],
      ['float16', 2e-3],
    ] as const) {
      const out = join(dir, dtype);
      await saveHfModel(m, out, { dtype });
      expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')).torch_dtype).toBe(dtype);
      const back = await loadHfModel(out);
      const got = await logitsOf(back);
      const err = Math.max(...Array.from(got, (g, i) => Math.abs(g - ref[i])));
      expect(err).toBeLessThan(tol);
      expect(err).toBeGreaterThan(0);
      back.dispose();
    }
    m.dispose();
  });

  it('shards above maxShardSize and loads them back', async () => {
    const m = LlamaModel.create(config, { seed: 4 });
    const out = join(dir, 'sharded');
    await saveHfModel(m, out, { maxShardSize: 4000 });
    const files = await readdir(out);
    expect(files).toContain('model.safetensors.index.json');
    expect(files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f)).length).toBeGreaterThan(1);
    const back = await loadHfModel(out);
    expect(Array.from(await logitsOf(back))).toEqual(Array.from(await logitsOf(m)));
    m.dispose();
    back.dispose();
  });

  it('tied embeddings write no lm_head and load back', async () => {
    const c = resolveConfig({ ...config, tieWordEmbeddings: true });
    const m = LlamaModel.create(c, { seed: 5 });
    const out = join(dir, 'tied');
    await saveHfModel(m, out);
    const back = await loadHfModel(out);
    expect(back.params.has('lm_head.weight')).toBe(false);
    expect(Array.from(await logitsOf(back))).toEqual(Array.from(await logitsOf(m)));
    m.dispose();
    back.dispose();
  });

  it('a tensor whose shape disagrees with config.json is an error naming it', async () => {
    const m = LlamaModel.create(config, { seed: 6 });
    const out = join(dir, 'bad-shape');
    await saveHfModel(m, out);
    const cfgPath = join(out, 'config.json');
    const cfg = JSON.parse(await readFile(cfgPath, 'utf8'));
    cfg.intermediate_size = 32;
    await writeFile(cfgPath, JSON.stringify(cfg));
    await expect(loadHfModel(out)).rejects.toThrow(
      /model\.layers\.0\.mlp\.gate_proj\.weight has shape \[24,16\], config\.json implies \[32,16\]/,
    );
    m.dispose();
  });

  it('refuses to overwrite an existing folder unless forced', async () => {
    const m = LlamaModel.create(config, { seed: 7 });
    const out = join(dir, 'exists');
    await saveHfModel(m, out);
    await expect(saveHfModel(m, out)).rejects.toThrow(/exists/);
    await saveHfModel(m, out, { force: true });
    m.dispose();
  });
});
