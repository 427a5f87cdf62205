// SentencePiece's text normalizer, ported from google/sentencepiece src/normalizer.cc (the
// version Debian ships, 0.1.97): the precompiled charsmap is a darts-clone double-array trie
// over UTF-8 bytes whose values point into a NUL-separated table of replacement strings; the
// longest matching rule wins, user-defined symbols are never normalized, and whitespace is
// handled by add_dummy_prefix / remove_extra_whitespaces / escape_whitespaces.
// Works on UTF-8 bytes, as the C++ does, so results are byte-identical to spm_encode's
// (checked against python3-sentencepiece in the tests).

import type { ByteTrie } from './byte-trie';
import { TokenizerFormatError } from './errors';
import type { SentencePieceNormalizerSpec as NormalizerSpec } from '@tinylm/hf-io';

/** U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's whitespace symbol, in UTF-8. */
export const SPACE_SYMBOL = new Uint8Array([0xe2, 0x96, 0x81]);
const REPLACEMENT_CHAR = new Uint8Array([0xef, 0xbf, 0xbd]);
const SPACE = new Uint8Array([0x20]);

/** Length of the UTF-8 sequence a lead byte starts, as SentencePiece's OneCharLen computes it. */
export function oneCharLen(lead: number): number {
  return [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4][lead >> 4];
}

/**
 * Length of a valid UTF-8 character at `pos`, or 0 when the bytes there are not a well-formed
 * sequence (overlong forms, surrogates and values above U+10FFFF are invalid, as in
 * SentencePiece's DecodeUTF8).
 */
export function validUtf8Length(bytes: Uint8Array, pos: number, end: number): number {
  const b0 = bytes[pos];
  if (b0 < 0x80) return 1;
  const cont = (i: number) => i < end && (bytes[i] & 0xc0) === 0x80;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(pos + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (!cont(pos + 1) || !cont(pos + 2)) return 0;
    const cp = ((b0 & 0x0f) << 12) | ((bytes[pos + 1] & 0x3f) << 6) | (bytes[pos + 2] & 0x3f);
    return cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (!cont(pos + 1) || !cont(pos + 2) || !cont(pos + 3)) return 0;
    const cp = ((b0 & 0x07) << 18) | ((bytes[pos + 1] & 0x3f) << 12) | ((bytes[pos + 2] & 0x3f) << 6) | (bytes[pos + 3] & 0x3f);
    return cp >= 0x10000 && cp <= 0x10ffff ? 4 : 0;
  }
  return 0;
}

/** A growable byte buffer. */
export class ByteBuilder {
  bytes = new Uint8Array(256);
  length = 0;

  push(b: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = b;
  }

  append(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    if (this.length + n > this.bytes.length) this.grow(n);
    this.bytes.set(src.subarray(start, end), this.length);
    this.length += n;
  }

  endsWith(suffix: Uint8Array): boolean {
    if (this.length < suffix.length) return false;
    for (let i = 0; i < suffix.length; i++) if (this.bytes[this.length - suffix.length + i] !== suffix[i]) return false;
    return true;
  }

  private grow(n: number): void {
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** The decoded precompiled charsmap: double-array units and the replacement-string table. */
class Charsmap {
  private readonly units: Uint32Array;
  private readonly table: Uint8Array;

  /** `where` names the spec in messages (`tokenizer.model: normalizer_spec`). */
  constructor(blob: Uint8Array, where: string) {
    const broken = (why: string) =>
      new TokenizerFormatError({ message: `${where}.precompiled_charsmap is broken: ${why}`, field: 'precompiled_charsmap' });
    if (blob.length <= 4) throw broken(`${blob.length} bytes, shorter than its 4-byte header and one trie unit`);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.length);
    const trieSize = view.getUint32(0, true);
    if (trieSize === 0 || trieSize > blob.length - 4 || trieSize % 4 !== 0) {
      throw broken(
        `its trie claims ${trieSize} bytes; allowed: a positive multiple of 4, at most the ${blob.length - 4} bytes after the header`,
      );
    }
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.table = blob.subarray(4 + trieSize);
  }

  /** Longest rule matching a prefix of `bytes[pos, end)`: its length and replacement, or null. */
  longestMatch(bytes: Uint8Array, pos: number, end: number): { length: number; value: number } | null {
    // darts-clone's commonPrefixSearch: offset() = (u >> 10) << ((u & 512) >> 6); label() = u & 0x800000ff;
    // has_leaf() = (u >> 8) & 1; value() = u & 0x7fffffff.
    const units = this.units;
    let node = 0;
    let unit = units[0];
    node ^= (unit >>> 10) << ((unit & 512) >>> 6);
    let best: { length: number; value: number } | null = null;
    for (let i = pos; i < end; i++) {
      const c = bytes[i];
      node ^= c;
      if (node >= units.length) break;
      unit = units[node];
      if ((unit & 0x800000ff) >>> 0 !== c) break;
      node ^= (unit >>> 10) << ((unit & 512) >>> 6);
      if ((unit >>> 8) & 1) {
        if (node >= units.length) break;
        best = { length: i - pos + 1, value: units[node] & 0x7fffffff };
      }
    }
    return best;
  }

  /** The NUL-terminated replacement string at `offset` of the table. */
  replacement(offset: number): Uint8Array {
    let e = offset;
    while (e < this.table.length && this.table[e] !== 0) e++;
    return this.table.subarray(offset, e);
  }
}

/** Options beyond the NormalizerSpec. */
export interface SpmNormalizerOptions {
  /** User-defined symbols: matched first, longest first, and copied without normalization. */
  userDefined?: ByteTrie | null;
  /** TrainerSpec.treat_whitespace_as_suffix: the dummy whitespace goes at the end. */
  treatWhitespaceAsSuffix?: boolean;
  /** Names the spec in error messages (`tokenizer.model: normalizer_spec`). */
  source?: string;
}

/** SentencePiece's Normalizer: UTF-8 in, normalized UTF-8 out. */
export class SpmNormalizer {
  private readonly charsmap: Charsmap | null;
  private readonly userDefined: ByteTrie | null;
  private readonly suffix: boolean;

  constructor(
    private readonly spec: NormalizerSpec,
    options: SpmNormalizerOptions = {},
  ) {
    this.charsmap =
      spec.precompiledCharsmap.length > 0 ? new Charsmap(spec.precompiledCharsmap, options.source ?? 'normalizer_spec') : null;
    this.userDefined = options.userDefined ?? null;
    this.suffix = options.treatWhitespaceAsSuffix ?? false;
  }

  /** NormalizePrefix: the normalized form of the longest rule at `pos` and how many bytes it consumes. */
  private prefix(input: Uint8Array, pos: number, end: number): { out: Uint8Array; start: number; end: number; consumed: number } {
    if (this.userDefined) {
      const len = this.userDefined.longestPrefix(input, pos, end);
      if (len > 0) return { out: input, start: pos, end: pos + len, consumed: len };
    }
    const m = this.charsmap?.longestMatch(input, pos, end);
    if (m) {
      const r = this.charsmap!.replacement(m.value);
      return { out: r, start: 0, end: r.length, consumed: m.length };
    }
    const len = validUtf8Length(input, pos, end);
    if (len === 0) return { out: REPLACEMENT_CHAR, start: 0, end: 3, consumed: 1 };
    return { out: input, start: pos, end: pos + len, consumed: len };
  }

  /** Normalizes UTF-8 `input` as SentencePiece's Normalizer::Normalize does. */
  normalize(input: Uint8Array): Uint8Array {
    const spec = this.spec;
    const out = new ByteBuilder();
    let pos = 0;
    const end = input.length;
    if (end === 0) return out.result();
    if (spec.removeExtraWhitespaces) {
      while (pos < end) {
        const p = this.prefix(input, pos, end);
        if (!(p.end - p.start === 1 && p.out[p.start] === 0x20)) break;
        pos += p.consumed;
      }
    }
    if (pos >= end) return out.result();
    const ws = spec.escapeWhitespaces ? SPACE_SYMBOL : SPACE;
    if (!this.suffix && spec.addDummyPrefix) out.append(ws);
    let prevSpace = spec.removeExtraWhitespaces;
    while (pos < end) {
      const p = this.prefix(input, pos, end);
      let s = p.start;
      if (prevSpace) while (s < p.end && p.out[s] === 0x20) s++;
      if (s < p.end) {
        for (let i = s; i < p.end; i++) {
          const b = p.out[i];
          if (spec.escapeWhitespaces && b === 0x20) out.append(SPACE_SYMBOL);
          else out.push(b);
        }
        prevSpace = p.out[p.end - 1] === 0x20;
      }
      pos += p.consumed;
      if (!spec.removeExtraWhitespaces) prevSpace = false;
    }
    if (spec.removeExtraWhitespaces) {
      while (out.endsWith(ws)) out.length -= ws.length;
    }
    if (this.suffix && spec.addDummyPrefix) out.append(ws);
    return out.result();
  }
}
