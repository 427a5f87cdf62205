// The trainer tests' shared run: byte-level ids of a fixed public-domain text (so trajectories
// never change with the docs), and train options for a tiny LLaMA on them with a 10% held-out split.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LlamaConfig } from '@tinylm/arch-config';
import { LlamaModel } from '@tinylm/model';
import { loadPacked, splitHeldOut } from '../data/dataset';
import type { TrainOptions } from '../trainer';

/** Writes the first `bytes` bytes of the fixture text as uint16 ids to `dir/docs.bin`; returns its path. */
export async function writeByteCorpus(dir: string, bytes: number): Promise<string> {
  const text = await readFile(new URL('./state-of-the-union.txt', import.meta.url));
  const file = join(dir, 'docs.bin');
  await writeFile(file, Buffer.from(Uint16Array.from(text.subarray(0, bytes)).buffer));
  return file;
}

/** Train options over `dataFile` (split 90/10) for a fresh model of `config` (seed 1); `rest` sets the others. */
export async function byteRunOptions(
  config: LlamaConfig,
  dataFile: string,
  seqLen: number,
  rest: Omit<TrainOptions, 'model' | 'train' | 'val'>,
): Promise<TrainOptions> {
  const { train, val } = splitHeldOut(await loadPacked([dataFile], { seqLen, vocabSize: 256 }), 0.1);
  return { ...rest, model: LlamaModel.create(config, { seed: 1 }), train, val };
}
