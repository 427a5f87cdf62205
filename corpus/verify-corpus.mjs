#!/usr/bin/env node
// Checks the committed corpus files against corpus/manifest.json and the cleaning rules. node: builtins only.
//   node corpus/verify-corpus.mjs [--dir DIR] [--samples N]
// Exit 0 when every check passes; prints a summary (and N random-but-fixed samples per language).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dir = path.resolve(opt('--dir') ?? path.dirname(fileURLToPath(import.meta.url)));
const samples = Number(opt('--samples') ?? 0);
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

const MARKUP = [
  ['html tag', /<[a-z/!]/i],
  ['html entity', /&[a-z]+;|&#\d+;/i],
  ['wiki link', /\[\[/],
  ['template', /\{\{/],
  ['url', /https?:|www\./i],
  ['control char', /[\u0000-\u0009\u000b-\u001f\u007f]/],
  ['replacement char', /\ufffd/],
];

const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
const failures = [];
const fail = (msg) => failures.push(msg);
const seenText = new Map();
let total = 0;

for (const split of ['train', 'val']) {
  const name = `${split}.jsonl.gz`;
  const gz = fs.readFileSync(path.join(dir, name));
  total += gz.length;
  const m = manifest.files[name];
  if (sha256(gz) !== m.sha256) fail(`${name}: sha256 differs from the manifest`);
  const raw = zlib.gunzipSync(gz);
  if (sha256(raw) !== m.uncompressedSha256) fail(`${name}: uncompressed sha256 differs from the manifest`);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    fail(`${name}: not valid UTF-8`);
    continue;
  }
  const lines = text.split('\n');
  if (lines.pop() !== '') fail(`${name}: no final newline`);
  if (lines.length !== m.lines) fail(`${name}: ${lines.length} lines, manifest says ${m.lines}`);
  const stats = { en: { documents: 0, chars: 0, bytes: 0 }, zh: { documents: 0, chars: 0, bytes: 0 } };
  const byLang = { en: [], zh: [] };
  lines.forEach((line, i) => {
    const where = `${name}:${i + 1}`;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      return fail(`${where}: not JSON`);
    }
    if (typeof r.text !== 'string' || !r.text.trim()) return fail(`${where}: empty or missing text`);
    if (!(r.lang in stats)) return fail(`${where}: lang ${r.lang}`);
    if (typeof r.source !== 'string' || typeof r.id !== 'string') fail(`${where}: source/id missing`);
    if (r.text !== r.text.normalize('NFC')) fail(`${where}: not NFC`);
    if (r.text !== r.text.trim()) fail(`${where}: leading/trailing whitespace`);
    for (const [what, re] of MARKUP) if (re.test(r.text)) fail(`${where}: ${what}: ${r.text.match(re)[0]}`);
    const han = (r.text.match(/\p{Script=Han}/gu) ?? []).length;
    const nonSpace = r.text.replace(/\s/g, '').length;
    if (r.lang === 'en' && han > 0) fail(`${where}: Han characters in an English document`);
    if (r.lang === 'zh' && han / nonSpace < 0.6) fail(`${where}: Chinese document with only ${han}/${nonSpace} Han characters`);
    if (r.lang === 'zh' && /[A-Za-z0-9]/.test(r.text)) fail(`${where}: ASCII letters/digits in a Chinese document`);
    const prev = seenText.get(r.text);
    if (prev) fail(`${where}: duplicate of ${prev}`);
    seenText.set(r.text, where);
    const s = stats[r.lang];
    s.documents++;
    s.chars += [...r.text].length;
    s.bytes += Buffer.byteLength(r.text);
    byLang[r.lang].push(r);
  });
  for (const lang of ['en', 'zh']) {
    const want = manifest.stats[split][lang];
    const got = stats[lang];
    if (JSON.stringify(want) !== JSON.stringify(got))
      fail(`${name} ${lang}: ${JSON.stringify(got)} but manifest says ${JSON.stringify(want)}`);
    console.log(`${split} ${lang}: ${got.documents} docs, ${got.chars} chars, ${got.bytes} bytes`);
  }
  console.log(`${name}: ${gz.length} bytes compressed, ${raw.length} uncompressed, ${lines.length} lines`);
  if (samples > 0 && split === 'train')
    for (const lang of ['en', 'zh'])
      for (let k = 0; k < samples; k++) {
        const arr = byLang[lang];
        const r = arr[parseInt(sha256(`sample:${k}`).slice(0, 8), 16) % arr.length];
        console.log(`--- sample ${lang} ${r.id} (${r.source})\n${r.text.length > 400 ? r.text.slice(0, 400) + ' …' : r.text}`);
      }
}
if (total !== manifest.totalCompressedBytes) fail(`total ${total} bytes, manifest says ${manifest.totalCompressedBytes}`);
if (total > 8 * 1024 * 1024) fail(`total ${total} bytes is over 8 MiB`);
console.log(`total compressed: ${total} bytes`);
if (failures.length) {
  console.error(`${failures.length} problem(s):\n` + failures.slice(0, 50).join('\n'));
  process.exitCode = 1;
} else console.log('corpus OK');
