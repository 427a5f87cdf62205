// SentencePiece encoding and decoding in TypeScript, ported from google/sentencepiece 0.1.97
// (the version Debian ships): normalizer.cc (see sentencepiece-normalizer.ts), unigram_model.cc
// (Model::EncodeOptimized: Viterbi over the pieces, float32 path scores, user-defined symbols
// with a length bonus, <unk> at min score - 10), bpe_model.cc (Model::Encode: greedy merges of
// the adjacent pair whose concatenation is the highest-scoring piece, leftmost first; UNUSED
// pieces re-split), and sentencepiece_processor.cc (byte fallback of <unk> pieces, runs of <unk>
// merged without it, and Decode). Exactness against spm_encode / python3-sentencepiece on real
// text is checked in sentencepiece-encoder.test.ts.

import { ByteTrie } from './byte-trie';
import { PairHeap } from './pair-heap';
import { TokenizerFormatError } from './errors';
import { ByteBuilder, oneCharLen, SpmNormalizer, validUtf8Length } from './sentencepiece-normalizer';
import { PieceType, type SentencePieceModel } from '@tinylm/hf-io';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const UNK_PENALTY = 10;
const SPACE_SYMBOL = '\u2581';

/** A piece found by the model: a byte range of the normalized text and its id. */
interface Segment {
  start: number;
  end: number;
  id: number;
}

/**
 * Encodes and decodes text with a SentencePiece model (Unigram or BPE), exactly as
 * SentencePieceProcessor::Encode / Decode do (no BOS/EOS added, no sampling).
 */
export class SentencePieceEncoder {
  /** Number of pieces. */
  readonly size: number;
  private readonly types: Uint8Array;
  private readonly scores: Float64Array;
  /** NORMAL, USER_DEFINED and UNUSED pieces (SentencePiece's `pieces_`). */
  private readonly pieces = new ByteTrie();
  /** UNKNOWN, CONTROL and BYTE pieces (SentencePiece's `reserved_id_map_`). */
  private readonly reserved = new ByteTrie();
  private readonly userDefined: ByteTrie | null;
  private readonly normalizer: SpmNormalizer;
  private readonly denormalizer: SpmNormalizer | null;
  private readonly byteIds: Int32Array;
  private readonly byteOf: Int16Array;
  private readonly unkId: number;
  private readonly minScore: number;
  private readonly maxScore: number;

  constructor(
    private readonly model: SentencePieceModel,
    file = '<buffer>',
  ) {
    const { pieces, trainerSpec } = model;
    if (trainerSpec.modelType !== 'unigram' && trainerSpec.modelType !== 'bpe') {
      throw new TokenizerFormatError({
        message: `${file}: SentencePiece model_type ${trainerSpec.modelType.toUpperCase()} is not supported; supported: UNIGRAM and BPE`,
        file,
        field: 'trainer_spec.model_type',
      });
    }
    this.size = pieces.length;
    this.types = new Uint8Array(pieces.length);
    this.scores = new Float64Array(pieces.length);
    this.byteIds = new Int32Array(256).fill(-1);
    this.byteOf = new Int16Array(pieces.length).fill(-1);
    let user: ByteTrie | null = null;
    let unk = -1;
    let min = Infinity;
    let max = -Infinity;
    for (let id = 0; id < pieces.length; id++) {
      const p = pieces[id];
      this.types[id] = p.type;
      this.scores[id] = p.score;
      const normalLike = p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED;
      (normalLike ? this.pieces : this.reserved).add(p.piece, id);
      if (p.type === PieceType.USER_DEFINED) (user ??= new ByteTrie()).add(p.piece, id);
      if (p.type === PieceType.UNKNOWN) unk = id;
      if (p.type === PieceType.NORMAL) {
        min = Math.min(min, p.score);
        max = Math.max(max, p.score);
      }
      if (p.type === PieceType.BYTE) {
        const m = /^<0x([0-9A-F]{2})>$/.exec(p.piece);
        if (m) {
          const b = parseInt(m[1], 16);
          this.byteIds[b] = id;
          this.byteOf[id] = b;
        }
      }
    }
    this.unkId = unk;
    this.minScore = min === Infinity ? 3.4028234663852886e38 : min;
    this.maxScore = max === -Infinity ? 1.1754943508222875e-38 : max;
    this.userDefined = user;
    this.normalizer = new SpmNormalizer(model.normalizerSpec, {
      userDefined: user,
      treatWhitespaceAsSuffix: trainerSpec.treatWhitespaceAsSuffix,
      source: `${file}: normalizer_spec`,
    });
    this.denormalizer = model.denormalizerSpec ? new SpmNormalizer(model.denormalizerSpec, { source: `${file}: denormalizer_spec` }) : null;
  }

  /** Whether unknown characters become `<0xNN>` byte pieces. */
  get byteFallback(): boolean {
    return this.model.trainerSpec.byteFallback;
  }

  /** Normalizes `text` as the model does (UTF-8 bytes). */
  normalize(text: string): Uint8Array {
    return this.normalizer.normalize(encoder.encode(text));
  }

  /** Token ids of `text`. */
  encode(text: string): number[] {
    const normalized = this.normalize(text);
    const segments = this.model.trainerSpec.modelType === 'bpe' ? this.encodeBpe(normalized) : this.encodeUnigram(normalized);
    const ids: number[] = [];
    let prevUnk = false;
    for (const s of segments) {
      const isUnk = s.id === this.unkId;
      if (isUnk && this.byteFallback) {
        for (let i = s.start; i < s.end; i++) ids.push(this.byteIds[normalized[i]]);
      } else if (!(isUnk && prevUnk)) {
        // Runs of unknown pieces are merged into one (SentencePieceProcessor::PopulateSentencePieceText).
        ids.push(s.id);
      }
      prevUnk = isUnk;
    }
    return ids;
  }

  private pieceToId(bytes: Uint8Array, start: number, end: number): number {
    const r = this.reserved.get(bytes, start, end);
    if (r >= 0) return r;
    const p = this.pieces.get(bytes, start, end);
    return p >= 0 ? p : this.unkId;
  }

  /** unigram_model.cc Model::EncodeOptimized. */
  private encodeUnigram(norm: Uint8Array): Segment[] {
    const size = norm.length;
    if (size === 0) return [];
    const bestScore = new Float64Array(size + 1);
    const startsAt = new Int32Array(size + 1).fill(-1);
    const bestId = new Int32Array(size + 1);
    const unkScore = Math.fround(this.minScore - UNK_PENALTY);
    const maxScore = this.maxScore;
    for (let start = 0; start < size; ) {
      const till = bestScore[start];
      let hasSingle = false;
      const mblen = Math.min(oneCharLen(norm[start]), size - start);
      let node = 0;
      let keyPos = start;
      while (keyPos < size) {
        node = this.pieces.step(node, norm[keyPos]);
        keyPos++;
        if (node < 0) break;
        const id = this.pieces.valueAt(node);
        if (id < 0) continue;
        const type = this.types[id];
        if (type === PieceType.UNUSED) continue;
        const length = keyPos - start;
        // C++: `length * max_score_ - 0.1` is float * size_t, then double; the sum is double.
        const score = type === PieceType.USER_DEFINED ? Math.fround(length * maxScore) - 0.1 : this.scores[id];
        const candidate = score + till;
        if (startsAt[keyPos] === -1 || candidate > bestScore[keyPos]) {
          bestScore[keyPos] = Math.fround(candidate);
          startsAt[keyPos] = start;
          bestId[keyPos] = id;
        }
        if (!hasSingle && length === mblen) hasSingle = true;
      }
      if (!hasSingle) {
        const target = start + mblen;
        const candidate = Math.fround(unkScore + till);
        if (startsAt[target] === -1 || candidate > bestScore[target]) {
          bestScore[target] = candidate;
          startsAt[target] = start;
          bestId[target] = this.unkId;
        }
      }
      start += mblen;
    }
    const out: Segment[] = [];
    for (let end = size; end > 0; ) {
      const start = startsAt[end];
      out.push({ start, end, id: bestId[end] });
      end = start;
    }
    return out.reverse();
  }

  /** bpe_model.cc Model::Encode. */
  private encodeBpe(norm: Uint8Array): Segment[] {
    const n = norm.length;
    if (n === 0) return [];
    const starts: number[] = [];
    const ends: number[] = [];
    const frozen: boolean[] = [];
    for (let pos = 0; pos < n; ) {
      const user = this.userDefined ? this.userDefined.longestPrefix(norm, pos, n) : 0;
      const len = user > 0 ? user : Math.min(n - pos, oneCharLen(norm[pos]));
      starts.push(pos);
      ends.push(pos + len);
      frozen.push(user > 0);
      pos += len;
    }
    const count = starts.length;
    const prev = new Int32Array(count);
    const next = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < count ? i + 1 : -1;
    }
    const heap = new PairHeap();
    // Reverse merges of UNUSED pieces, keyed by content: the length of their left part.
    const revMerge = new Map<string, number>();
    const key = (s: number, e: number) => String.fromCharCode(...norm.subarray(s, e));
    const maybeAdd = (left: number, right: number) => {
      if (left === -1 || right === -1 || frozen[left] || frozen[right]) return;
      const id = this.pieces.get(norm, starts[left], ends[right]);
      if (id < 0) return;
      heap.push(left, right, this.scores[id], ends[right] - starts[left]);
      if (this.types[id] === PieceType.UNUSED) revMerge.set(key(starts[left], ends[right]), ends[left] - starts[left]);
    };
    for (let i = 1; i < count; i++) maybeAdd(i - 1, i);
    while (heap.length > 0) {
      const top = heap.pop();
      const l = top.left;
      const r = top.right;
      const lLen = ends[l] - starts[l];
      const rLen = ends[r] - starts[r];
      if (lLen === 0 || rLen === 0 || lLen + rLen !== top.size) continue;
      ends[l] = ends[r];
      next[l] = next[r];
      if (next[r] >= 0) prev[next[r]] = l;
      ends[r] = starts[r]; // empty
      maybeAdd(prev[l], l);
      maybeAdd(l, next[l]);
    }
    const out: Segment[] = [];
    const resegment = (s: number, e: number) => {
      const id = this.pieceToId(norm, s, e);
      if (id === this.unkId || this.types[id] !== PieceType.UNUSED) {
        out.push({ start: s, end: e, id });
        return;
      }
      const leftLen = revMerge.get(key(s, e));
      if (leftLen === undefined) {
        out.push({ start: s, end: e, id });
        return;
      }
      resegment(s, s + leftLen);
      resegment(s + leftLen, e);
    };
    for (let i = 0; i !== -1; i = next[i]) resegment(starts[i], ends[i]);
    return out;
  }

  /** Text of `ids`, as SentencePieceProcessor::Decode gives it (control pieces are invisible). */
  decode(ids: readonly number[]): string {
    const { normalizerSpec, trainerSpec } = this.model;
    const stripBos = normalizerSpec.addDummyPrefix || normalizerSpec.removeExtraWhitespaces;
    const text = new ByteBuilder();
    const bytes: number[] = [];
    const flush = () => {
      if (bytes.length === 0) return;
      const b = Uint8Array.from(bytes);
      for (let i = 0; i < b.length; ) {
        const len = validUtf8Length(b, i, b.length);
        if (len === 0) {
          text.append(encoder.encode('\uFFFD'));
          i += 1;
        } else {
          text.append(b, i, i + len);
          i += len;
        }
      }
      bytes.length = 0;
    };
    // Only the first whitespace piece at the start loses its dummy-prefix space, unless extra
    // whitespace is removed anyway (then all leading ones do).
    let isBosWs = true;
    let bosWsSeen = false;
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.size) {
        throw new RangeError(`token id ${id} is out of range; this SentencePiece model has ids 0..${this.size - 1}`);
      }
      const type = this.types[id];
      if (type === PieceType.BYTE) {
        bytes.push(this.byteOf[id]);
        continue;
      }
      flush();
      if (bosWsSeen || text.length > 0) isBosWs = false;
      bosWsSeen = false;
      if (type === PieceType.CONTROL) continue;
      if (type === PieceType.UNKNOWN) {
        text.append(encoder.encode(trainerSpec.unkSurface));
        continue;
      }
      let piece = this.model.pieces[id].piece;
      if (isBosWs && stripBos && piece.startsWith(SPACE_SYMBOL)) {
        piece = piece.slice(1);
        bosWsSeen = !normalizerSpec.removeExtraWhitespaces;
      }
      text.append(encoder.encode(piece.replaceAll(SPACE_SYMBOL, ' ')));
    }
    flush();
    const out = text.result();
    return decoder.decode(this.denormalizer ? this.denormalizer.normalize(out) : out);
  }

  /** Piece string of `id`. */
  idToPiece(id: number): string | undefined {
    return this.model.pieces[id]?.piece;
  }

  /** Id of piece `piece`, or undefined. */
  pieceToIdOf(piece: string): number | undefined {
    const bytes = encoder.encode(piece);
    const r = this.reserved.get(bytes);
    if (r >= 0) return r;
    const p = this.pieces.get(bytes);
    return p >= 0 ? p : undefined;
  }
}
