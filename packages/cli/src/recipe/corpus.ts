// The demo's text: a slice of the bundled English + Chinese corpus (corpus/ at the repository
// root, or --corpus DIR), read with the corpus's own reader (corpus/read-corpus.mjs) and written
// as JSONL files the tokenizer counter and the trainer read.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pathExists } from '@tinylm/hf-io';
import { UsageError } from '../args';

interface CorpusRecord {
  text: string;
  lang: string;
}
type ReadCorpus = (split: string, opts: { dir: string; maxBytesPerLang?: number }) => AsyncIterable<CorpusRecord>;

export async function findCorpus(dir: string | undefined): Promise<string> {
  const candidate = resolve(dir ?? 'corpus');
  if (!(await pathExists(join(candidate, 'read-corpus.mjs')))) {
    throw new UsageError(
      `${candidate}: not a tinylm corpus folder (no read-corpus.mjs); run from the repository root or pass --corpus DIR`,
    );
  }
  return candidate;
}

export interface CorpusSlice {
  file: string;
  documents: number;
  bytes: number;
  byLang: Record<string, number>;
}

/** Writes up to `bytesPerLang` UTF-8 bytes per language of `split` to `file` (JSONL `text`). */
export async function sliceCorpus(corpusDir: string, split: 'train' | 'val', bytesPerLang: number, file: string): Promise<CorpusSlice> {
  const { readCorpus } = (await import(pathToFileURL(join(corpusDir, 'read-corpus.mjs')).href)) as { readCorpus: ReadCorpus };
  const lines: string[] = [];
  const byLang: Record<string, number> = {};
  let bytes = 0;
  for await (const r of readCorpus(split, { dir: corpusDir, maxBytesPerLang: bytesPerLang })) {
    const b = Buffer.byteLength(r.text, 'utf8');
    byLang[r.lang] = (byLang[r.lang] ?? 0) + b;
    bytes += b;
    lines.push(JSON.stringify({ text: r.text }));
  }
  if (lines.length === 0) throw new UsageError(`${corpusDir}: the ${split} split is empty`);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `${lines.join('\n')}\n`);
  return { file, documents: lines.length, bytes, byLang };
}
