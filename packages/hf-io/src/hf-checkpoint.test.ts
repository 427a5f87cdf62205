// Hugging Face checkpoints: sharded write + read through the index, and broken folders.

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HfFolderError, SafetensorsFormatError, TensorNotFoundError } from './errors';
import { openHfCheckpoint } from './hf-checkpoint';
import { writeHfFolder } from './hf-folder';
import type { TensorSource } from './tensor-source';
import { writeSafetensors } from './write-safetensors';
import { caught } from './__fixtures__/raw-safetensors';
import { useTempDir } from './__fixtures__/temp';

const tmp = useTempDir();

/** A tiny LLaMA-like set of tensors: 4 x 400 bytes + 2 x 16 bytes. */
function tinyLlama(): TensorSource[] {
  const ramp = (n: number, k: number) => new Float32Array(n).map((_, i) => (i % 32) - k);
  return [
    { name: 'model.embed_tokens.weight', dtype: 'F32', shape: [10, 10], data: ramp(100, 1) },
    { name: 'model.layers.0.self_attn.q_proj.weight', dtype: 'BF16', shape: [10, 20], data: ramp(200, 2) },
    { name: 'model.layers.0.mlp.up_proj.weight', dtype: 'F16', shape: [20, 10], data: ramp(200, 3) },
    { name: 'model.layers.0.input_layernorm.weight', dtype: 'F32', shape: [4], data: ramp(4, 4) },
    { name: 'model.norm.weight', dtype: 'F32', shape: [4], data: ramp(4, 5) },
    { name: 'lm_head.weight', dtype: 'F32', shape: [10, 10], data: ramp(100, 6) },
  ];
}

describe('sharded write + read', () => {
  it('writes shards + index below maxShardSize and reads every tensor back from its shard', async () => {
    const dir = join(tmp.dir, 'ckpt');
    const written = await writeHfFolder(dir, { tensors: tinyLlama(), maxShardSize: 800 });
    expect(written.files).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
    ]);
    const index = JSON.parse(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(index.metadata).toEqual({ total_size: 400 + 400 + 400 + 16 + 16 + 400 });
    expect(index.weight_map['lm_head.weight']).toBe('model-00003-of-00003.safetensors');

    const ckpt = await openHfCheckpoint(dir);
    try {
      expect(ckpt.sharded).toBe(true);
      expect(ckpt.tensors).toHaveLength(6);
      expect(ckpt.info('model.layers.0.mlp.up_proj.weight')).toMatchObject({
        dtype: 'F16',
        shape: [20, 10],
        file: 'model-00002-of-00003.safetensors',
      });
      for (const source of tinyLlama()) {
        expect([...(await ckpt.readTensorAsFloat32(source.name))], source.name).toEqual([...(source.data as Float32Array)]);
      }
      expect([...(await ckpt.readTensorAsFloat32('lm_head.weight', { rows: [9, 10] }))]).toEqual([
        ...(tinyLlama()[5].data as Float32Array).subarray(90),
      ]);
      const error = await caught(() => ckpt.readTensor('model.layers.1.mlp.up_proj.weight'));
      expect(TensorNotFoundError.isInstance(error)).toBe(true);
      expect(error.message).toMatch(new RegExp(`^${dir}: no tensor "model\\.layers\\.1\\.mlp\\.up_proj\\.weight"`));

      // Re-shard from the open checkpoint into one file, streaming tensor by tensor.
      const single = join(tmp.dir, 'single');
      const again = await writeHfFolder(single, { tensors: ckpt.toTensorSources() });
      expect(again.files).toEqual(['model.safetensors']);
      const one = await openHfCheckpoint(single);
      expect(one.sharded).toBe(false);
      expect(await one.readTensor('model.layers.0.self_attn.q_proj.weight')).toEqual(
        await ckpt.readTensor('model.layers.0.self_attn.q_proj.weight'),
      );
      await one.close();
    } finally {
      await ckpt.close();
    }
  });

  it('writes a single model.safetensors without an index when under the threshold', async () => {
    const dir = join(tmp.dir, 'small');
    const written = await writeHfFolder(dir, { tensors: tinyLlama(), maxShardSize: '2GB' });
    expect(written.files).toEqual(['model.safetensors']);
    expect(written.weights.index).toBeUndefined();
  });
});

describe('broken folders: errors name the file and tensors', () => {
  async function sharded(): Promise<string> {
    const dir = join(tmp.dir, 'ckpt');
    await writeHfFolder(dir, { tensors: tinyLlama(), maxShardSize: 800 });
    return dir;
  }

  it('a shard named in the index is missing', async () => {
    const dir = await sharded();
    await rm(join(dir, 'model-00002-of-00003.safetensors'));
    const error = await caught(() => openHfCheckpoint(dir));
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      `${join(
        dir,
        'model.safetensors.index.json',
      )}: "weight_map" names shard files that do not exist in ${dir}: model-00002-of-00003.safetensors`,
    );
  });

  it('a tensor named in the index is absent from its shard', async () => {
    const dir = await sharded();
    const indexPath = join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(await readFile(indexPath, 'utf8'));
    index.weight_map['model.layers.1.mlp.down_proj.weight'] = 'model-00001-of-00003.safetensors';
    await writeFile(indexPath, JSON.stringify(index));
    const error = await caught(() => openHfCheckpoint(dir));
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect(error.tensor).toBe('model.layers.1.mlp.down_proj.weight');
    expect(error.message).toBe(
      `${indexPath}: tensors named in "weight_map" are absent from their shard: "model.layers.1.mlp.down_proj.weight" (in model-00001-of-00003.safetensors)`,
    );
  });

  it('a corrupt shard', async () => {
    const dir = await sharded();
    const shard = join(dir, 'model-00003-of-00003.safetensors');
    const bytes = await readFile(shard);
    await writeFile(shard, bytes.subarray(0, bytes.length - 1));
    const error = await caught(() => openHfCheckpoint(dir));
    expect(SafetensorsFormatError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(new RegExp(`^${shard}: tensor "lm_head\\.weight": data_offsets`));
  });

  it('no weights at all, listing the safetensors files that are there', async () => {
    const dir = join(tmp.dir, 'adapter');
    await mkdir(dir);
    await writeSafetensors(join(dir, 'adapter_model.safetensors'), [{ name: 'a', dtype: 'F32', shape: [1], data: new Float32Array(1) }]);
    const error = await caught(() => openHfCheckpoint(dir));
    expect(error.message).toBe(
      `${dir}: no model.safetensors or model.safetensors.index.json; safetensors files present: adapter_model.safetensors (pass weightsName?)`,
    );
    const ckpt = await openHfCheckpoint(dir, { weightsName: 'adapter_model.safetensors' });
    expect(ckpt.tensors.map((t) => t.name)).toEqual(['a']);
    await ckpt.close();
  });

  it('a missing folder and a bad index', async () => {
    const missing = join(tmp.dir, 'nope');
    expect((await caught(() => openHfCheckpoint(missing))).message).toBe(`${missing}: folder does not exist`);
    const dir = await sharded();
    await writeFile(join(dir, 'model.safetensors.index.json'), '{"weight_map": ');
    const error = await caught(() => openHfCheckpoint(dir));
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/model\.safetensors\.index\.json: not valid JSON/);
    expect(await readdir(dir)).toHaveLength(4);
  });
});
