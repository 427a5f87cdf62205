// The data and model of the trainer's kill-and-resume tests: this repository's README as uint16
// token ids (docs.bin) and a 2-layer, 32-wide LLaMA shape (cfg.json), small enough that a run of a
// few dozen steps takes seconds on the cpu backend.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './support';

/** Writes `dir`/docs.bin and `dir`/cfg.json. */
export async function writeTinyRun(dir: string): Promise<void> {
  const text = await readFile(join(ROOT, 'README.md'));
  await writeFile(join(dir, 'docs.bin'), Buffer.from(Uint16Array.from(text).buffer));
  await writeFile(
    join(dir, 'cfg.json'),
    JSON.stringify({
      vocabSize: 256,
      hiddenSize: 32,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      intermediateSize: 64,
      maxPositionEmbeddings: 64,
    }),
  );
}
