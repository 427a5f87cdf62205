#!/usr/bin/env node
// Streamed reader for the bundled corpus (corpus/train.jsonl.gz, corpus/val.jsonl.gz). node: builtins only.
//
//   import { readCorpus, loadCorpus } from './read-corpus.mjs';
//   for await (const rec of readCorpus('train', { maxBytesPerLang: 1_000_000 })) use(rec.text);
//   const val = await loadCorpus('val', { lang: 'zh' });
//
// CLI: node corpus/read-corpus.mjs train|val [--lang en|zh] [--max-bytes N] [--max-bytes-per-lang N] [--text]
//   prints the records as JSONL (or, with --text, the texts separated by blank lines).
//
// Records: { text, lang: 'en'|'zh', source, id }. The files interleave English and Chinese in runs of
// about 256 KiB of text, so a prefix of either file already has nearly the whole file's 50/50 byte mix;
// maxBytesPerLang makes the mix exact up to one document.

import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const CORPUS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const SPLITS = ['train', 'val'];

/** Path of a split's file. */
export function corpusFile(split, dir = CORPUS_DIR) {
  if (!SPLITS.includes(split)) throw new Error(`unknown corpus split ${JSON.stringify(split)}; expected one of ${SPLITS.join(', ')}`);
  return path.join(dir, `${split}.jsonl.gz`);
}

/**
 * Streams the records of one split, gunzipping and parsing line by line.
 * @param {'train'|'val'} split
 * @param {{ dir?: string, lang?: 'en'|'zh', maxBytes?: number, maxBytesPerLang?: number, maxDocs?: number }} [opts]
 *   maxBytes / maxBytesPerLang count UTF-8 bytes of `text` and stop after the record that reaches them
 *   (per language: records of a language that is already full are skipped; reading stops when all are full).
 * @returns {AsyncGenerator<{ text: string, lang: string, source: string, id: string }>}
 */
export async function* readCorpus(split, opts = {}) {
  const { dir = CORPUS_DIR, lang, maxBytes = Infinity, maxBytesPerLang = Infinity, maxDocs = Infinity } = opts;
  const file = corpusFile(split, dir);
  const input = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  const rl = readline.createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  const langs = lang ? [lang] : ['en', 'zh'];
  const perLang = Object.fromEntries(langs.map((l) => [l, 0]));
  let total = 0;
  let docs = 0;
  let lineNo = 0;
  try {
    for await (const line of rl) {
      lineNo++;
      if (!line) continue;
      let rec;
      try {
        rec = JSON.parse(line);
      } catch (e) {
        throw new Error(`${file}:${lineNo}: not JSON (${e.message})`);
      }
      if (typeof rec.text !== 'string') throw new Error(`${file}:${lineNo}: no text field`);
      if (lang && rec.lang !== lang) continue;
      if (perLang[rec.lang] === undefined) perLang[rec.lang] = 0;
      if (perLang[rec.lang] >= maxBytesPerLang) {
        if (langs.every((l) => perLang[l] >= maxBytesPerLang)) break;
        continue;
      }
      const b = Buffer.byteLength(rec.text, 'utf8');
      perLang[rec.lang] += b;
      total += b;
      docs++;
      yield rec;
      if (total >= maxBytes || docs >= maxDocs) break;
      if (langs.every((l) => perLang[l] >= maxBytesPerLang)) break;
    }
  } finally {
    rl.close();
    gunzip.destroy();
    input.destroy();
  }
}

/** All records of a split (same options as readCorpus) in an array. */
export async function loadCorpus(split, opts = {}) {
  const out = [];
  for await (const rec of readCorpus(split, opts)) out.push(rec);
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const split = args[0] ?? 'train';
  const num = (v) => (v === undefined ? undefined : Number(v));
  const text = args.includes('--text');
  let first = true;
  for await (const rec of readCorpus(split, {
    lang: opt('--lang'),
    maxBytes: num(opt('--max-bytes')),
    maxBytesPerLang: num(opt('--max-bytes-per-lang')),
    maxDocs: num(opt('--max-docs')),
  })) {
    const s = text ? (first ? '' : '\n') + rec.text + '\n' : JSON.stringify(rec) + '\n';
    first = false;
    if (!process.stdout.write(s)) await new Promise((r) => process.stdout.once('drain', r));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0); // reader closed the pipe (| head)
    throw e;
  });
  main().catch((e) => {
    console.error(e.message ?? e);
    process.exitCode = 1;
  });
}
