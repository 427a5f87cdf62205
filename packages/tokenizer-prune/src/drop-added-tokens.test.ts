// pruneTokenizer's dropAddedTokens on a Gemma-3-like tokenizer (__fixtures__/gemma-like.ts):
// without it nothing changes (every <unusedN> placeholder stays, and they set the minimum size);
// with 'unused' or a pattern the placeholders go, while the tokens the chat template,
// post-processor and special-token settings name stay; tokenizer.json, tokenizer_config.json and
// vocab-map.json agree; and the result, loaded by Hugging Face's tokenizers.js and by
// @lenml/tokenizers (transformers.js, for the chat template), encodes like the original. The same
// for a SentencePiece .model whose placeholders are user-defined pieces, checked with
// python3-sentencepiece.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { TokenizerLoader } from '@lenml/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens';
import type { TokenCounts } from './count-file';
import { VocabSizeError } from './errors';
import { hfEncode, hfLoad } from './__fixtures__/hf';
import { GEMMA_CHAT_TEMPLATE, UNUSED_COUNT, writeGemmaLikeTokenizer } from './__fixtures__/gemma-like';
import { pyEncode, pyInfo, spmTools, TRAIN_TEXT, trainSpm } from './__fixtures__/spm';
import { useSharedTempDir } from './__fixtures__/temp';
import { heldOutLines } from './__fixtures__/texts';
import { type PruneResult, pruneTokenizer } from './prune-tokenizer';

const shared = useSharedTempDir();

/** Tokens the chat template, post-processor or special-token settings name. */
const REFERENCED = ['<pad>', '<eos>', '<bos>', '<unk>', '<start_of_turn>', '<end_of_turn>', '<start_of_image>'];
const PLACEHOLDERS = Array.from({ length: UNUSED_COUNT }, (_, i) => `<unused${i}>`);
const CONVERSATION = [
  { role: 'user', content: 'What does the manual say about the search path?' },
  { role: 'assistant', content: 'It lists the directories, 日本語 too 🤏.' },
];

const readJson = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const lenml = (dir: string) =>
  TokenizerLoader.fromPreTrained({
    tokenizerJSON: readJson(dir, 'tokenizer.json'),
    tokenizerConfig: readJson(dir, 'tokenizer_config.json'),
  });

describe('pruneTokenizer dropAddedTokens (Gemma-like placeholders)', () => {
  let dir: string;
  let counts: TokenCounts;
  let fullSize: number;
  let minimumWithout: number;

  beforeAll(async () => {
    dir = join(shared.dir, 'gemma-like');
    mkdirSync(dir);
    fullSize = writeGemmaLikeTokenizer(dir).vocabSize;
    counts = await countTokens({ tokenizer: dir, inputs: [TRAIN_TEXT], workers: 0 });
  });

  it('without the option keeps every placeholder, which sets the minimum size', async () => {
    const result = await pruneTokenizer({ tokenizer: dir, counts, vocabSize: fullSize - 10, out: join(shared.dir, 'without') });
    const contents = (readJson(result.out, 'tokenizer.json').added_tokens as { content: string }[]).map((t) => t.content);
    expect(contents).toEqual(expect.arrayContaining([...PLACEHOLDERS, ...REFERENCED, '<mask>']));
    expect(result.report.droppedAddedTokens).toEqual([]);
    minimumWithout = result.report.selection.minimum;
    expect(minimumWithout).toBeGreaterThan(UNUSED_COUNT + 256);
    const e = await pruneTokenizer({ tokenizer: dir, counts, vocabSize: 300, out: join(shared.dir, 'too-small') }).catch((error) => error);
    expect(VocabSizeError.isInstance(e)).toBe(true);
  });

  describe("with dropAddedTokens: 'unused'", () => {
    let result: PruneResult;
    let orig: HfTokenizer;
    let pruned: HfTokenizer;
    // Every token but the dropped ones, so every text encodes to the original ids, mapped.
    const dropped = UNUSED_COUNT + 1; // the placeholders and <mask>
    beforeAll(async () => {
      result = await pruneTokenizer({
        tokenizer: dir,
        counts,
        vocabSize: fullSize - dropped,
        out: join(shared.dir, 'unused'),
        dropAddedTokens: 'unused',
      });
      orig = hfLoad(dir);
      pruned = hfLoad(result.out);
    });

    it('drops the placeholders and unreferenced specials, keeps what the template, post-processor and special-token maps name', () => {
      expect(result.report.droppedAddedTokens).toEqual(['<mask>', ...PLACEHOLDERS]);
      const added = readJson(result.out, 'tokenizer.json').added_tokens as { id: number; content: string; special: boolean }[];
      expect(added.map((t) => t.content)).toEqual(REFERENCED);
      expect(result.report.selection.minimum).toBeLessThan(minimumWithout - UNUSED_COUNT);
      expect(result.report.notes.join('\n')).toContain(`dropped ${dropped} added tokens`);
    });

    it('writes tokenizer.json, tokenizer_config.json and vocab-map.json that agree', () => {
      const json = readJson(result.out, 'tokenizer.json');
      const config = readJson(result.out, 'tokenizer_config.json');
      const original = readJson(dir, 'tokenizer.json');
      const oldId = new Map((original.added_tokens as { id: number; content: string }[]).map((t) => [t.content, t.id]));
      const added = json.added_tokens as { id: number; content: string; special: boolean }[];
      for (const t of added) {
        expect(result.vocabMap[String(oldId.get(t.content))]).toBe(t.id);
        expect(json.model.vocab[t.content]).toBe(t.id);
        expect(config.added_tokens_decoder[String(t.id)]).toMatchObject({ content: t.content, special: t.special });
      }
      expect(Object.keys(config.added_tokens_decoder).map(Number)).toEqual(added.map((t) => t.id));
      for (const t of PLACEHOLDERS) expect(json.model.vocab[t]).toBeUndefined();
      expect(Object.keys(result.vocabMap)).toHaveLength(fullSize - dropped);
      expect(json.post_processor.special_tokens['<bos>'].ids).toEqual([json.model.vocab['<bos>']]);
      expect(config.chat_template).toBe(readJson(dir, 'tokenizer_config.json').chat_template);
    });

    it("encodes like the original in tokenizers.js, ids mapped through vocab-map.json (with the post-processor's <bos>)", () => {
      const texts = [
        ...heldOutLines().slice(0, 40),
        '<start_of_turn>user\nhello 日本語<end_of_turn>\n<start_of_turn>model\n',
        '<start_of_image> <unused3> x',
      ];
      for (const text of texts) {
        for (const addSpecial of [false, true]) {
          const before = orig.encode(text, { add_special_tokens: addSpecial }).ids;
          const after = pruned.encode(text, { add_special_tokens: addSpecial }).ids;
          if (text.includes('<unused3>')) {
            // The dropped placeholder is now plain text, encoded piece by piece.
            expect(after.length).toBeGreaterThan(before.length);
            continue;
          }
          expect(after).toEqual(before.map((id) => result.vocabMap[String(id)]));
        }
      }
      expect(hfEncode(pruned, '<start_of_turn>')).toEqual([result.vocabMap[String(hfEncode(orig, '<start_of_turn>')[0])]]);
    });

    it('applies the chat template in transformers.js (@lenml/tokenizers) to the same ids, mapped', () => {
      const before = lenml(dir).apply_chat_template(CONVERSATION, {
        tokenize: true,
        add_generation_prompt: true,
        return_tensor: false,
      }) as number[];
      const after = lenml(result.out).apply_chat_template(CONVERSATION, {
        tokenize: true,
        add_generation_prompt: true,
        return_tensor: false,
      }) as number[];
      expect(before.length).toBeGreaterThan(20);
      expect(after).toEqual(before.map((id) => result.vocabMap[String(id)]));
      const text = lenml(result.out).apply_chat_template(CONVERSATION, { tokenize: false }) as string;
      expect(text.startsWith('<bos><start_of_turn>user\n')).toBe(true);
    });
  });

  it('with a pattern drops only what it matches, and never a referenced token', async () => {
    const result = await pruneTokenizer({
      tokenizer: dir,
      counts,
      vocabSize: 400,
      out: join(shared.dir, 'pattern'),
      dropAddedTokens: /^<[^>]+>$/,
    });
    expect(result.report.droppedAddedTokens).toEqual(['<mask>', ...PLACEHOLDERS]);
    const only = await pruneTokenizer({
      tokenizer: dir,
      counts,
      vocabSize: 400,
      out: join(shared.dir, 'pattern-unused'),
      dropAddedTokens: /^<unused\d+>$/g,
    });
    expect(only.report.droppedAddedTokens).toEqual(PLACEHOLDERS);
    const contents = (readJson(only.out, 'tokenizer.json').added_tokens as { content: string }[]).map((t) => t.content);
    expect(contents).toEqual(['<pad>', '<eos>', '<bos>', '<unk>', '<mask>', '<start_of_turn>', '<end_of_turn>', '<start_of_image>']);
  });
});

describe.skipIf(!spmTools())('pruneTokenizer dropAddedTokens on a SentencePiece model', () => {
  it("drops unused user-defined placeholders, keeps the chat template's and the special pieces, and encodes like the original", async () => {
    const tools = spmTools()!;
    const dir = join(shared.dir, 'spm');
    mkdirSync(dir);
    const placeholders = Array.from({ length: 40 }, (_, i) => `<unused${i}>`);
    const model = trainSpm(dir, 'gemma-like', {
      model_type: 'bpe',
      vocab_size: 1500,
      byte_fallback: true,
      normalization_rule_name: 'identity',
      remove_extra_whitespaces: false,
      user_defined_symbols: ['<start_of_turn>', '<end_of_turn>', ...placeholders].join(','),
    });
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ bos_token: '<s>', eos_token: '</s>', chat_template: GEMMA_CHAT_TEMPLATE }),
    );
    const spmCounts = await countTokens({ tokenizer: model, inputs: [TRAIN_TEXT], workers: 0 });
    const before = pyInfo(tools, model);
    const result = await pruneTokenizer({
      tokenizer: model,
      counts: spmCounts,
      vocabSize: before.size - placeholders.length,
      out: join(shared.dir, 'spm-out'),
      dropAddedTokens: 'unused',
    });
    expect(result.report.droppedAddedTokens).toEqual(placeholders);
    const pruned = join(result.out, 'tokenizer.model');
    const after = pyInfo(tools, pruned);
    expect(after.size).toBe(before.size - placeholders.length);
    for (const p of placeholders) expect(after.pieces).not.toContain(p);
    for (const p of ['<unk>', '<s>', '</s>', '<start_of_turn>', '<end_of_turn>']) expect(after.pieces).toContain(p);
    expect([after.unk, after.bos, after.eos]).toEqual([before.unk, before.bos, before.eos].map((id) => result.vocabMap[String(id)]));
    const texts = [...heldOutLines().slice(0, 40), '<start_of_turn>user\nhello 日本語<end_of_turn>\n'];
    expect(pyEncode(tools, pruned, texts)).toEqual(
      pyEncode(tools, model, texts).map((ids) => ids.map((id) => result.vocabMap[String(id)])),
    );
  });
});
