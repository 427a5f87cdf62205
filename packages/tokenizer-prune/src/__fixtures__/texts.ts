// Test inputs beyond the real corpus: the hard cases a tokenizer must survive. The corpus
// (man-db pages) has no emoji and little script mixing, so these strings add them, plus
// pseudo-random bytes from a seeded generator (reproducible).

import { readFileSync } from 'node:fs';
import { HELD_OUT_TEXT, TRAIN_TEXT } from './spm';

/** Lines of the held-out file, each with its newline, empty lines dropped. */
export function heldOutLines(): string[] {
  return linesOf(HELD_OUT_TEXT);
}

/** Lines of the training file, each with its newline, empty lines dropped. */
export function trainLines(): string[] {
  return linesOf(TRAIN_TEXT);
}

function linesOf(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/(?<=\n)/)
    .filter((l) => l.trim() !== '');
}

/** Emoji (ZWJ sequences, skin tones, flags, keycaps), CJK, mixed scripts and whitespace oddities. */
export const HARD_TEXTS: readonly string[] = Object.freeze([
  'Hello 👋🏽 world 🌍! 👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🇯🇵🇫🇷 flags, 1️⃣ keycap',
  '日本語のテキストと English と 中文 と 한국어 が混ざる文。',
  'Ελληνικά, русский, עברית, العربية, हिन्दी, ไทย — mixed scripts in one line',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 𝒔𝒕𝒚𝒍𝒆𝒔 and 𠀋𡈽𡌛 (CJK extension B)',
  '  leading spaces, trailing spaces  ',
  'tabs\tand\nnewlines\r\nand  double  spaces',
  'ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ ① ﬁ ligature, e\u0301 combining, Å, Ω',
  'code: if (x <= 0x1F) { return "\\u0000"; } // <s> </s> <unk> [PAD] <0x41>',
  '',
  ' ',
  '\u2581 literal lower-one-eighth block \u2581\u2581',
]);

/** Mulberry32: a small seeded PRNG, so "random" inputs are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` strings made from random bytes (decoded as UTF-8, invalid sequences becoming U+FFFD)
 * mixed with random code points from every plane (no surrogates), NFC-normalized when `nfc`.
 */
export function randomTexts(count: number, seed: number, nfc = false): string[] {
  const next = rng(seed);
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = new Uint8Array(8 + Math.floor(next() * 48));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
    let s = decoder.decode(bytes);
    for (let j = 0; j < 12; j++) {
      let cp = Math.floor(next() * 0x110000);
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x4e00 + (cp & 0xfff);
      s += String.fromCodePoint(cp);
    }
    out.push(nfc ? s.normalize('NFC') : s);
  }
  return out;
}
