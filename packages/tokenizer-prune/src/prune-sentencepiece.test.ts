// Pruning SentencePiece models that Debian's spm_train trains here on the real corpus (BPE and
// Unigram, with byte fallback; identity and nmt_nfkc normalization; one without byte fallback),
// checked with python3-sentencepiece and spm_encode: the pruned .model loads; decode(encode(x))
// gives x back on held-out text, CJK, emoji, mixed scripts and random bytes (or exactly what
// the original gives, where normalization is lossy by design); only kept pieces come out; text
// whose original encoding used only kept pieces encodes to the original ids mapped through
// vocab-map.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens';
import { VocabSizeError } from './errors';
import { HELD_OUT_TEXT, pyDecode, pyEncode, pyInfo, spmEncodeCli, spmTools, TRAIN_TEXT, trainSpm } from './__fixtures__/spm';
import { useSharedTempDir } from './__fixtures__/temp';
import { HARD_TEXTS, heldOutLines, randomTexts } from './__fixtures__/texts';
import { type PruneResult, pruneTokenizer } from './prune-tokenizer';
import { SentencePieceEncoder } from './sentencepiece-encoder';
import { parseSentencePieceModel } from '@tinylm/hf-io';
import type { TokenCounts } from './count-file';

const tools = spmTools();
const shared = useSharedTempDir();

const CASES: { name: string; lossless: boolean; args: Record<string, string | number | boolean> }[] = [
  {
    name: 'BPE, byte fallback, identity normalization',
    lossless: true,
    args: {
      model_type: 'bpe',
      vocab_size: 2000,
      byte_fallback: true,
      character_coverage: 0.995,
      normalization_rule_name: 'identity',
      remove_extra_whitespaces: false,
    },
  },
  {
    name: 'Unigram, byte fallback, identity normalization',
    lossless: true,
    args: {
      model_type: 'unigram',
      vocab_size: 2000,
      byte_fallback: true,
      character_coverage: 0.995,
      normalization_rule_name: 'identity',
      remove_extra_whitespaces: false,
    },
  },
  {
    name: 'BPE, byte fallback, nmt_nfkc, user-defined symbols',
    lossless: false,
    args: { model_type: 'bpe', vocab_size: 1800, byte_fallback: true, user_defined_symbols: '<sep>,manpath' },
  },
  {
    name: 'Unigram, no byte fallback, nmt_nfkc',
    lossless: false,
    args: { model_type: 'unigram', vocab_size: 1500, character_coverage: 0.99 },
  },
];

function units(): string[] {
  const lines = heldOutLines().map((l) => l.replace(/\n$/, ''));
  const words = lines.flatMap((l) => l.match(/\S+/g) ?? []);
  return [...new Set([...lines, ...words, ...HARD_TEXTS.filter((t) => !t.includes('\n'))])];
}

describe.skipIf(!tools)('prune SentencePiece models trained by spm_train', () => {
  CASES.forEach((c, i) => {
    describe(c.name, () => {
      let model: string;
      let counts: TokenCounts;
      let result: PruneResult;
      let pruned: string;
      let size: number;

      beforeAll(async () => {
        model = trainSpm(shared.dir, `case${i}`, c.args);
        counts = await countTokens({ tokenizer: model, inputs: [TRAIN_TEXT], workers: 0 });
        let minimum = 0;
        try {
          await pruneTokenizer({ tokenizer: model, counts, vocabSize: 10, out: join(shared.dir, `never${i}`) });
        } catch (e) {
          if (!VocabSizeError.isInstance(e)) throw e;
          minimum = e.minimum;
        }
        size = minimum + Math.floor((Number(c.args.vocab_size) - minimum) / 2);
        result = await pruneTokenizer({
          tokenizer: model,
          counts,
          vocabSize: size,
          out: join(shared.dir, `out${i}`),
          heldOut: [HELD_OUT_TEXT],
        });
        pruned = join(shared.dir, `out${i}`, 'tokenizer.model');
      });

      it('counts with our encoder exactly what spm_encode gives', () => {
        const lines = readFileSync(TRAIN_TEXT, 'utf8')
          .split(/(?<=\n)/)
          .filter(Boolean);
        const ids = pyEncode(tools!, model, lines).flat();
        const expected: Record<string, number> = {};
        for (const id of ids) expected[id] = (expected[id] ?? 0) + 1;
        expect(counts.counts).toEqual(expected);
        expect(counts.total).toBe(ids.length);
      });

      it('writes a .model that python3-sentencepiece and spm_encode load, with the kept pieces in their old order', () => {
        expect(result.files.sort()).toEqual(['prune-report.json', 'tokenizer.model', 'tokenizer_config.json', 'vocab-map.json']);
        const before = pyInfo(tools!, model);
        const after = pyInfo(tools!, pruned);
        expect(after.size).toBe(size);
        const keep = Object.keys(result.vocabMap).map(Number);
        expect(after.pieces).toEqual(keep.map((id) => before.pieces[id]));
        expect([after.unk, after.bos, after.eos]).toEqual([before.unk, before.bos, before.eos].map((id) => result.vocabMap[id]));
        const lines = heldOutLines()
          .slice(0, 50)
          .map((l) => l.replace(/\n$/, ''));
        expect(spmEncodeCli(pruned, lines)).toEqual(pyEncode(tools!, pruned, lines));
        // Our TypeScript encoder agrees on the pruned model as well.
        const ours = new SentencePieceEncoder(parseSentencePieceModel(readFileSync(pruned), pruned));
        expect(lines.map((l) => ours.encode(l))).toEqual(pyEncode(tools!, pruned, lines));
      });

      it('round-trips held-out text, CJK, emoji, mixed scripts and random bytes (as well as the original does)', () => {
        const texts = [...heldOutLines().map((l) => l.replace(/\n$/, '')), ...HARD_TEXTS, ...randomTexts(100, 5)];
        const back = pyDecode(tools!, pruned, pyEncode(tools!, pruned, texts));
        const origBack = pyDecode(tools!, model, pyEncode(tools!, model, texts));
        expect(back).toEqual(origBack);
        // SentencePiece itself writes spaces as "▁", so a literal "▁" comes back as a space;
        // everything else must come back exactly under identity normalization.
        if (c.lossless) texts.forEach((t, k) => t.includes('\u2581') || expect(back[k], JSON.stringify(t)).toBe(t));
      });

      it('emits only kept pieces, and keeps the original ids (mapped) where the original used only kept pieces', () => {
        const map = new Map(Object.entries(result.vocabMap).map(([k, v]) => [Number(k), v]));
        const texts = units();
        const before = pyEncode(tools!, model, texts);
        const after = pyEncode(tools!, pruned, texts);
        const origPieces = pyInfo(tools!, model).pieces;
        const newPieces = pyInfo(tools!, pruned).pieces;
        const inverse = new Map([...map].map(([o, n]) => [n, o]));
        let qualifying = 0;
        texts.forEach((t, k) => {
          for (const id of after[k]) expect(newPieces[id]).toBe(origPieces[inverse.get(id)!]);
          if (!before[k].every((id) => map.has(id))) return;
          qualifying++;
          expect(after[k], JSON.stringify(t)).toEqual(before[k].map((id) => map.get(id)));
        });
        expect(qualifying).toBeGreaterThan(texts.length * 0.4);
      });

      it('reports coverage and tokens per byte before and after', () => {
        const r = result.report;
        expect(r.pruned.vocabSize).toBe(size);
        expect(r.coveragePercent).toBeGreaterThan(50);
        expect(r.heldOut!.tokensPerByteAfter).toBeGreaterThanOrEqual(r.heldOut!.tokensPerByteBefore);
        if (c.lossless) expect(r.heldOut!.roundTripAfter).toBe(r.heldOut!.lines);
      });
    });
  });
});
