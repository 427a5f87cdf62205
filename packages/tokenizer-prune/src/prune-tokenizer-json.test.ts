// Pruning the real Qwen3 (byte-level BPE) and Llama-2-style (byte fallback + metaspace)
// tokenizer.json files, with counts from the real corpus, and checking the output with Hugging
// Face's tokenizers.js (not our wrapper): it loads; decode(encode(x)) == x on held-out text,
// CJK, emoji, mixed scripts and random bytes; it emits only kept ids; every kept token is
// reachable through kept merges; and on text whose original encoding uses only kept tokens, the
// pruned encoding is the original mapped through vocab-map.json.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens';
import { hfDecode, hfEncode, hfLoad, LLAMA2_DIR, QWEN3_DIR } from './__fixtures__/hf';
import { HELD_OUT_TEXT, TRAIN_TEXT } from './__fixtures__/spm';
import { useSharedTempDir } from './__fixtures__/temp';
import { HARD_TEXTS, heldOutLines, randomTexts } from './__fixtures__/texts';
import { BYTE_LEVEL_ALPHABET } from './byte-level';
import { type PruneResult, pruneTokenizer } from './prune-tokenizer';
import { bytePieceName } from '@tinylm/hf-io';

const shared = useSharedTempDir();

/** Held-out text cut into lines and into words (each with the spaces after it). */
function units(): string[] {
  const lines = heldOutLines();
  const words = lines.flatMap((l) => l.match(/\S+\s*/g) ?? []);
  return [...new Set([...lines, ...words, ...HARD_TEXTS])];
}

const CASES = [
  { name: 'Qwen3 (byte-level BPE, 151k)', dir: QWEN3_DIR, size: 6000, nfc: true },
  { name: 'Llama-2 style (byte fallback + metaspace, 32k)', dir: LLAMA2_DIR, size: 3000, nfc: false },
  // Llama-3 style: byte-level BPE with ignore_merges (a whole pre-token in the vocabulary is
  // emitted as is); made from Qwen3's file by switching the option on.
  { name: 'Qwen3 with ignore_merges (Llama-3 style)', dir: QWEN3_DIR, size: 6000, nfc: true, ignoreMerges: true },
];

/** A copy of `dir` with model.ignore_merges switched on. */
function withIgnoreMerges(dir: string, into: string): string {
  mkdirSync(into, { recursive: true });
  const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  json.model.ignore_merges = true;
  writeFileSync(join(into, 'tokenizer.json'), JSON.stringify(json));
  copyFileSync(join(dir, 'tokenizer_config.json'), join(into, 'tokenizer_config.json'));
  return into;
}

CASES.forEach((c, index) => {
  describe(`prune ${c.name}`, () => {
    let result: PruneResult;
    let orig: HfTokenizer;
    let pruned: HfTokenizer;
    let out: string;
    let origVocab: number;

    let dir: string;

    beforeAll(async () => {
      dir = c.ignoreMerges ? withIgnoreMerges(c.dir, join(shared.dir, 'ignore-merges')) : c.dir;
      out = join(shared.dir, `out-${index}`);
      const counts = await countTokens({ tokenizer: dir, inputs: [TRAIN_TEXT], workers: 0 });
      result = await pruneTokenizer({
        tokenizer: dir,
        counts,
        vocabSize: c.size,
        out,
        heldOut: [HELD_OUT_TEXT],
        model: { hiddenSize: 512, layers: 8 },
      });
      orig = hfLoad(dir);
      pruned = hfLoad(out);
      origVocab = result.report.tokenizer.vocabSize;
    });

    it('writes tokenizer.json, tokenizer_config.json, vocab-map.json and prune-report.json with exactly the requested size', () => {
      expect(result.files.sort()).toEqual(['prune-report.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab-map.json']);
      const json = JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8'));
      const ids = [...Object.values(json.model.vocab as Record<string, number>), ...json.added_tokens.map((t: { id: number }) => t.id)];
      expect(new Set(ids).size).toBe(c.size);
      expect(Math.max(...ids)).toBe(c.size - 1);
      const report = JSON.parse(readFileSync(join(out, 'prune-report.json'), 'utf8'));
      expect(report.pruned.vocabSize).toBe(c.size);
      expect(report.consistency).toBe('keep-ancestors');
    });

    it('vocab-map.json is a monotone map of exactly the kept ids, and token strings survive it', () => {
      const map = JSON.parse(readFileSync(join(out, 'vocab-map.json'), 'utf8')) as Record<string, number>;
      const entries = Object.entries(map).map(([k, v]) => [Number(k), v]);
      expect(entries.length).toBe(c.size);
      entries.forEach(([, v], i) => expect(v).toBe(i));
      for (let i = 1; i < entries.length; i++) expect(entries[i][0]).toBeGreaterThan(entries[i - 1][0]);
      for (const [old, id] of entries) expect(pruned.id_to_token(id)).toBe(orig.id_to_token(old));
    });

    it('keeps every added token and the whole byte alphabet / every <0xNN> byte piece', () => {
      const json = JSON.parse(readFileSync(join(c.dir, 'tokenizer.json'), 'utf8'));
      for (const t of json.added_tokens) expect(pruned.token_to_id(t.content), t.content).toBeDefined();
      const symbols = json.model.byte_fallback ? Array.from({ length: 256 }, (_, b) => bytePieceName(b)) : [...BYTE_LEVEL_ALPHABET];
      for (const s of symbols) expect(pruned.token_to_id(s), s).toBeDefined();
    });

    it('keeps merges consistent: parts and results kept, every kept token reachable through kept merges', () => {
      const json = JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8'));
      const vocab = json.model.vocab as Record<string, number>;
      for (const m of json.model.merges as (string | [string, string])[]) {
        const [a, b] = typeof m === 'string' ? m.split(' ') : m;
        expect(vocab[a] !== undefined && vocab[b] !== undefined && vocab[a + b] !== undefined, `${a} ${b}`).toBe(true);
      }
      const added = new Set(json.added_tokens.map((t: { content: string }) => t.content));
      let checked = 0;
      for (const token of Object.keys(vocab)) {
        if (added.has(token) || [...token].length === 1 || /^<0x[0-9A-F]{2}>$/.test(token)) continue;
        // tokenizers.js's own BPE model must produce each kept token from its characters (with
        // ignore_merges, a token may also be produced whole).
        expect((pruned.model as unknown as { encode(t: string[]): string[] }).encode([token]), token).toEqual([token]);
        checked++;
      }
      expect(checked).toBeGreaterThan(c.size / 2);
    });

    it('round-trips held-out text, CJK, emoji, mixed scripts and random bytes, emitting only kept ids', () => {
      const texts = [...heldOutLines(), ...HARD_TEXTS, ...randomTexts(150, 11, c.nfc)];
      let exact = 0;
      for (const x of texts) {
        const ids = hfEncode(pruned, x);
        for (const id of ids) expect(id).toBeLessThan(c.size);
        const back = hfDecode(pruned, ids);
        const origBack = hfDecode(orig, hfEncode(orig, x));
        // Never lossier than the original; exact wherever the original is exact.
        expect(back, JSON.stringify(x)).toBe(origBack);
        if (origBack === x) exact++;
      }
      for (const x of heldOutLines()) expect(hfDecode(pruned, hfEncode(pruned, x))).toBe(x);
      expect(exact).toBeGreaterThan(texts.length - HARD_TEXTS.length);
    });

    it('on text whose original encoding uses only kept tokens, gives the original ids mapped through vocab-map.json', () => {
      const map = new Map(Object.entries(result.vocabMap).map(([k, v]) => [Number(k), v]));
      let qualifying = 0;
      let total = 0;
      for (const u of units()) {
        total++;
        const before = hfEncode(orig, u);
        if (!before.every((id) => map.has(id))) continue;
        qualifying++;
        expect(hfEncode(pruned, u), JSON.stringify(u)).toEqual(before.map((id) => map.get(id)));
      }
      // Enough of the held-out units qualify for this to be a real check.
      expect(qualifying).toBeGreaterThan(Math.max(500, total * 0.4));
    });

    it('reports coverage, tokens per byte before/after on held-out text, and the embedding+head share', () => {
      const r = result.report;
      expect(r.coveragePercent).toBeGreaterThan(90);
      expect(r.coveragePercent).toBeLessThanOrEqual(100);
      const h = r.heldOut!;
      expect(h.roundTripBefore).toBe(h.lines);
      expect(h.roundTripAfter).toBe(h.lines);
      expect(h.tokensPerByteAfter).toBeGreaterThanOrEqual(h.tokensPerByteBefore);
      let tokens = 0;
      for (const l of readFileSync(HELD_OUT_TEXT, 'utf8').split(/(?<=\n)/)) if (l) tokens += hfEncode(pruned, l).length;
      expect(h.tokensAfter).toBe(tokens);
      expect(r.params!.before.vocabSize).toBe(origVocab);
      expect(r.params!.after.percent).toBeLessThan(r.params!.before.percent);
      expect(r.selection.minimum).toBeGreaterThanOrEqual(256);
    });
  });
});
