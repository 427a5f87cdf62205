// A small Gemma-3-like tokenizer folder for the dropAddedTokens tests: a BPE tokenizer.json with
// byte fallback (Gemma's "▁" normalizer and decoder), its merges learnt from the training corpus,
// and Gemma's kinds of added tokens: <pad> <eos> <bos> <unk> <mask>, a few hundred <unusedN>
// placeholders, <start_of_turn> / <end_of_turn> used only by the chat template, and
// <start_of_image> named only by special_tokens_map.json (as Gemma-3's boi_token). A
// TemplateProcessing post-processor prepends <bos>, as Gemma's does.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytePieceName } from '@tinylm/hf-io';
import { TRAIN_TEXT } from './spm';

/** Gemma's chat template, cut to what matters here (it names <start_of_turn> and <end_of_turn>). */
export const GEMMA_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + (message['role'] == 'assistant' and 'model' or message['role']) + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}";

/** Number of `<unusedN>` placeholders. */
export const UNUSED_COUNT = 300;

interface Added {
  id: number;
  content: string;
  special: boolean;
}

/** Learns `count` BPE merges over the "▁"-joined words of `text` (the most frequent pair first). */
function learnMerges(text: string, count: number): [string, string][] {
  const words = new Map<string, number>();
  for (const w of text.replace(/ /g, '\u2581').split(/(?=\u2581)|\n/)) if (w) words.set(w, (words.get(w) ?? 0) + 1);
  let split = [...words].map(([w, n]) => ({ parts: Array.from(w), n }));
  const merges: [string, string][] = [];
  for (let m = 0; m < count; m++) {
    const pairs = new Map<string, number>();
    for (const { parts, n } of split)
      for (let i = 0; i + 1 < parts.length; i++)
        pairs.set(`${parts[i]}\u0000${parts[i + 1]}`, (pairs.get(`${parts[i]}\u0000${parts[i + 1]}`) ?? 0) + n);
    const best = [...pairs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (!best || best[1] < 2) break;
    const [a, b] = best[0].split('\u0000') as [string, string];
    merges.push([a, b]);
    split = split.map(({ parts, n }) => {
      const out: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(parts[i]);
      }
      return { parts: out, n };
    });
  }
  return merges;
}

/** Writes the tokenizer.json, tokenizer_config.json and special_tokens_map.json into `dir`. */
export function writeGemmaLikeTokenizer(dir: string): { addedTokens: Added[]; vocabSize: number } {
  const text = readFileSync(TRAIN_TEXT, 'utf8').slice(0, 20_000);
  const vocab = new Map<string, number>();
  const addedTokens: Added[] = [];
  const add = (content: string, special: boolean) => {
    addedTokens.push({ id: vocab.size, content, special });
    vocab.set(content, vocab.size);
  };
  for (const t of ['<pad>', '<eos>', '<bos>', '<unk>', '<mask>']) add(t, true);
  for (let i = 0; i < UNUSED_COUNT; i++) add(`<unused${i}>`, false);
  add('<start_of_turn>', true);
  add('<end_of_turn>', true);
  add('<start_of_image>', true);
  for (let b = 0; b < 256; b++) vocab.set(bytePieceName(b), vocab.size);
  const chars = [...new Set(Array.from(text.replace(/ /g, '\u2581').replace(/\n/g, '')))].sort();
  for (const c of ['\u2581', ...chars]) if (!vocab.has(c)) vocab.set(c, vocab.size);
  const merges = learnMerges(text, 200);
  for (const [a, b] of merges) if (!vocab.has(a + b)) vocab.set(a + b, vocab.size);
  const bos = vocab.get('<bos>')!;
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: t.special,
    })),
    normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<bos>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<bos>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<bos>': { id: '<bos>', ids: [bos], tokens: ['<bos>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '\u2581' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges: merges.map(([a, b]) => [a, b]),
    },
  };
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  const decoder = Object.fromEntries(
    addedTokens.map((t) => [
      String(t.id),
      { content: t.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: t.special },
    ]),
  );
  const config = {
    add_bos_token: true,
    add_eos_token: false,
    added_tokens_decoder: decoder,
    bos_token: '<bos>',
    chat_template: GEMMA_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<eos>',
    pad_token: '<pad>',
    tokenizer_class: 'GemmaTokenizer',
    unk_token: '<unk>',
  };
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2));
  const map = {
    boi_token: '<start_of_image>',
    bos_token: { content: '<bos>', lstrip: false, normalized: false, rstrip: false, single_word: false },
    eos_token: '<eos>',
    pad_token: '<pad>',
    unk_token: '<unk>',
  };
  writeFileSync(join(dir, 'special_tokens_map.json'), JSON.stringify(map, null, 2));
  return { addedTokens, vocabSize: vocab.size };
}
