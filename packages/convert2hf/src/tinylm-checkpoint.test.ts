// The training checkpoint contract (reader, validator, latest-complete selection) and the
// Hugging Face / GGUF writers on checkpoints built here with hf-io, the way the trainer will.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LlamaConfig, resolveConfig, toHfConfig } from '@tinylm/arch-config';
import { checkpointDirName, HfFolderError, openHfCheckpoint, validateTrainerState, writeSafetensors } from '@tinylm/hf-io';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert2hf } from './convert';
import { exportGguf } from './gguf-export';
import { llamaParams, permuteRotaryRows } from './llama-params';
import { findLatestCheckpoint, readTrainingCheckpoint } from './tinylm-checkpoint';
import { FIXTURES } from './__fixtures__/paths';

let dir: string;
const config: LlamaConfig = resolveConfig({
  vocabSize: 320,
  hiddenSize: 16,
  numLayers: 1,
  numHeads: 2,
  numKvHeads: 1,
  intermediateSize: 24,
});

async function writeCheckpoint(runDir: string, step: number, seed: number, state: Record<string, unknown> = {}): Promise<string> {
  const ckpt = join(runDir, checkpointDirName(step));
  await mkdir(ckpt, { recursive: true });
  await writeFile(join(ckpt, 'config.json'), JSON.stringify(toHfConfig(config)));
  const params = llamaParams(config);
  const values = (shape: readonly number[], k: number) =>
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed * 1000 + k * 100 + i));
  await writeSafetensors(
    join(ckpt, 'model.safetensors'),
    params.map((p, k) => ({ name: p.name, dtype: 'F32', shape: p.shape, data: values(p.shape, k) })),
  );
  await writeSafetensors(
    join(ckpt, 'optimizer.safetensors'),
    params.flatMap((p) =>
      ['m', 'v'].map((m) => ({
        name: `${m}.${p.name}`,
        dtype: 'F32' as const,
        shape: p.shape,
        data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)),
      })),
    ),
  );
  await writeFile(
    join(ckpt, 'trainer_state.json'),
    JSON.stringify({
      format: 'tinylm-checkpoint',
      version: 1,
      step,
      round: 0,
      data_position: { offset: step },
      rng_state: [1, 2],
      ...state,
    }),
  );
  return ckpt;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert2hf-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('training checkpoints', () => {
  it('validates trainer_state.json, naming the field', () => {
    const good = { format: 'tinylm-checkpoint', version: 1, step: 3, round: 0, data_position: null, rng_state: null };
    expect(validateTrainerState(good)).toEqual(good);
    expect(() => validateTrainerState({ ...good, format: 'hf' })).toThrow(/format is "hf"/);
    expect(() => validateTrainerState({ ...good, version: 2 })).toThrow(/newer tinylm/);
    expect(() => validateTrainerState({ ...good, round: 1.5 })).toThrow(/round is 1.5/);
    expect(() => validateTrainerState([])).toThrow(HfFolderError);
    expect(checkpointDirName(7)).toBe('step-00000007');
    expect(checkpointDirName(123456789)).toBe('step-123456789');
  });

  it('picks the latest complete checkpoint, skipping damaged ones and ignoring writes in progress', async () => {
    const run = join(dir, 'run');
    await writeCheckpoint(run, 10, 1);
    await writeCheckpoint(run, 20, 2);
    const broken = await writeCheckpoint(run, 30, 3);
    await rm(join(broken, 'model.safetensors'));
    await mkdir(join(run, `${checkpointDirName(40)}.tmp-abcdef`));
    const { checkpoint, skipped } = await findLatestCheckpoint(run);
    expect(checkpoint.state.step).toBe(20);
    expect(checkpoint.optimizerTensors.length).toBe(2 * llamaParams(config).length);
    expect(skipped.map((s) => s.dir)).toEqual([broken]);
    expect(skipped[0].reason).toMatch(/no model\.safetensors/);
    await expect(readTrainingCheckpoint(broken)).rejects.toThrow(/no model\.safetensors/);
  });

  it('converts a run to a Hugging Face folder with a SentencePiece tokenizer, then to GGUF with q/k permuted for llama.cpp', async () => {
    const run = join(dir, 'run');
    const out = join(dir, 'hf');
    const result = await convert2hf({ src: run, out, tokenizer: join(FIXTURES, 'sp-bpe.model'), dtype: 'bfloat16' });
    expect(result.source).toBe(join(run, 'step-00000020'));
    expect(result.notes.join('\n')).toMatch(/dropped optimizer state/);
    expect(readdirSync(out).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.model',
      'tokenizer_config.json',
    ]);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({
      torch_dtype: 'bfloat16',
      bos_token_id: 1,
      eos_token_id: 2,
    });
    const hf = await openHfCheckpoint(out);
    const q = await hf.readTensorAsFloat32('model.layers.0.self_attn.q_proj.weight');
    expect(hf.info('model.layers.0.self_attn.q_proj.weight').dtype).toBe('BF16');
    await hf.close();

    const gguf = join(dir, 'model.gguf');
    const written = await exportGguf({ src: out, out: gguf });
    expect(written.tokenizerModel).toBe('llama');
    const info = await readGgufFileInfo(gguf);
    const md = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(md.llama).toMatchObject({
      block_count: 1,
      embedding_length: 16,
      feed_forward_length: 24,
      vocab_size: 320,
      attention: { head_count: 2, head_count_kv: 1 },
    });
    const tq = (info.fullTensorInfo ?? []).find((t) => t.name === 'blk.0.attn_q.weight');
    expect(tq?.dimensions.map(Number)).toEqual([16, 16]);
    const bytes = readFileSync(gguf);
    const start = Math.ceil(Number(info.infoEndOffset) / 32) * 32; // data begins at the next multiple of the alignment
    expect(start).toBe(written.dataOffset);
    const offset = start + Number(tq?.offset);
    const stored = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 16 * 16 * 4));
    expect([...stored]).toEqual([...permuteRotaryRows(q, 2, 8, 16, true)]);
  });

  it('leaves nothing behind when the tokenizer does not fit', async () => {
    const out = join(dir, 'too-small');
    const small = join(dir, 'small-run');
    await writeCheckpoint(small, 1, 4);
    const cfg = { ...toHfConfig({ ...config, vocabSize: 100 }) };
    await writeFile(join(small, checkpointDirName(1), 'config.json'), JSON.stringify(cfg));
    await expect(convert2hf({ src: small, out, tokenizer: join(FIXTURES, 'sp-bpe.model') })).rejects.toThrow(
      /no complete checkpoint.*model\.embed_tokens\.weight has shape \[320,16\], but config\.json implies \[100,16\]/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
