// Hugging Face model folders: JSON and tokenizer files, folder-level atomicity, force.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HfFolderError, InvalidArgumentError, OutputExistsError } from './errors';
import { copyTokenizerFiles, readHfJson, writeHfJson } from './hf-files';
import { readHfFolder, writeHfFolder } from './hf-folder';
import type { TensorSource } from './tensor-source';
import { caught } from './__fixtures__/raw-safetensors';
import { useTempDir } from './__fixtures__/temp';

const tmp = useTempDir();

const config = { architectures: ['LlamaForCausalLM'], hidden_size: 8, model_type: 'llama', vocab_size: 10 };
const tokenizer = { version: '1.0', model: { type: 'BPE', vocab: { b: 1, a: 0 } }, added_tokens: [] };
const weights = (): TensorSource[] => [
  { name: 'model.embed_tokens.weight', dtype: 'BF16', shape: [10, 8], data: new Float32Array(80).fill(0.5) },
  { name: 'model.norm.weight', dtype: 'F32', shape: [8], data: new Float32Array(8).fill(1) },
];

describe('writeHfFolder / readHfFolder', () => {
  it('writes and reads back config, generation config, tokenizer files and weights', async () => {
    const dir = join(tmp.dir, 'model');
    const written = await writeHfFolder(dir, {
      tensors: weights(),
      config,
      generationConfig: { bos_token_id: 1, eos_token_id: 2 },
      tokenizer,
      tokenizerConfig: { model_max_length: 2048, bos_token: '<s>' },
      specialTokensMap: { bos_token: '<s>' },
      tokenizerModel: new Uint8Array([10, 20, 30]),
      extraFiles: { 'README.md': '# tiny\n' },
    });
    expect(written.files).toEqual([
      'README.md',
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer.model',
      'tokenizer_config.json',
    ]);
    // transformers' formatting: sorted keys, 2-space indent, newline; tokenizer.json keeps order.
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(
      '{\n  "architectures": [\n    "LlamaForCausalLM"\n  ],\n  "hidden_size": 8,\n  "model_type": "llama",\n  "vocab_size": 10\n}\n',
    );
    expect(await readFile(join(dir, 'tokenizer.json'), 'utf8')).toBe(`${JSON.stringify(tokenizer, null, 2)}\n`);

    const folder = await readHfFolder(dir);
    try {
      expect(folder.config).toEqual(config);
      expect(folder.generationConfig).toEqual({ bos_token_id: 1, eos_token_id: 2 });
      expect(folder.tokenizer).toEqual(tokenizer);
      expect(folder.tokenizerConfig).toEqual({ model_max_length: 2048, bos_token: '<s>' });
      expect(folder.specialTokensMap).toEqual({ bos_token: '<s>' });
      expect(folder.tokenizerModelPath).toBe(join(dir, 'tokenizer.model'));
      expect(folder.checkpoint.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
        ['model.norm.weight', 'F32', [8]],
        ['model.embed_tokens.weight', 'BF16', [10, 8]],
      ]);
      expect((await folder.checkpoint.readTensorAsFloat32('model.embed_tokens.weight'))[79]).toBe(0.5);
    } finally {
      await folder.close();
    }
  });

  it('copies the tokenizer files of another folder, tokenizer.model included', async () => {
    const src = join(tmp.dir, 'teacher');
    await mkdir(src);
    await writeHfJson(src, 'tokenizer', tokenizer);
    await writeHfJson(src, 'tokenizerConfig', { legacy: false });
    await writeFile(join(src, 'tokenizer.model'), new Uint8Array([1, 2, 3, 4]));
    await writeFile(join(src, 'unrelated.txt'), 'x');
    const dir = join(tmp.dir, 'student');
    await writeHfFolder(dir, { tensors: weights(), copyTokenizerFrom: src, tokenizerConfig: { legacy: true } });
    expect(await readdir(dir)).toEqual(['model.safetensors', 'tokenizer.json', 'tokenizer.model', 'tokenizer_config.json']);
    expect([...(await readFile(join(dir, 'tokenizer.model')))]).toEqual([1, 2, 3, 4]);
    expect(await readHfJson(dir, 'tokenizerConfig')).toEqual({ legacy: true }); // explicit option wins
    expect(await copyTokenizerFiles(src, join(tmp.dir, 'copy'))).toEqual(['tokenizer.json', 'tokenizer_config.json', 'tokenizer.model']);
  });

  it('is atomic: a failing producer in a later shard leaves no folder and no temporary folder', async () => {
    const dir = join(tmp.dir, 'model');
    const boom = new Error('NaN in layer 3');
    const error = await caught(() =>
      writeHfFolder(dir, {
        config,
        maxShardSize: 400,
        tensors: [
          ...weights(),
          { name: 'a', dtype: 'F32', shape: [100], data: new Float32Array(100) },
          {
            name: 'b',
            dtype: 'F32',
            shape: [100],
            data: async () => {
              throw boom;
            },
          },
        ],
      }),
    );
    expect(error).toBe(boom);
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('refuses to overwrite an existing folder unless force', async () => {
    const dir = join(tmp.dir, 'model');
    await mkdir(dir);
    await writeFile(join(dir, 'old.bin'), 'old');
    const error = await caught(() => writeHfFolder(dir, { tensors: weights() }));
    expect(OutputExistsError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`${dir} already exists; pass force: true to replace it`);
    expect(await readdir(dir)).toEqual(['old.bin']);
    await writeHfFolder(dir, { tensors: weights(), force: true });
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    expect(await readdir(tmp.dir)).toEqual(['model']);
  });

  it('rejects extra file names that are paths', async () => {
    const error = await caught(() => writeHfFolder(join(tmp.dir, 'm'), { tensors: [], extraFiles: { '../x': 'y' } }));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/extraFiles: "\.\.\/x" is not allowed/);
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('reports a config.json that does not parse, naming it', async () => {
    const dir = join(tmp.dir, 'model');
    await writeHfFolder(dir, { tensors: weights() });
    await writeFile(join(dir, 'config.json'), '{"hidden_size": 8,}');
    const error = await caught(() => readHfFolder(dir));
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(new RegExp(`^${join(dir, 'config.json')}: not valid JSON`));
  });
});
