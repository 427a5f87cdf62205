// The Node examples run as a user runs them, in the workspace against the built packages:
// examples/node-pipeline (every package composed by hand, no CLI) and
// examples/prune-tokenizer-only (tokenizer-prune alone). test/pack-install.test.ts runs the
// second again from packed tarballs, where no tensor library may be installed.
// (examples/browser-webgpu is test/browser-webgpu.test.ts.)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { node, ROOT } from './support';

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tinylm-example-'));
  scratch.push(d);
  return join(d, 'out');
}

/** The JSON summary a --json example prints last on stdout. */
function summaryOf(r: { status: number | null; stdout: string; stderr: string }): Record<string, any> {
  expect(r.status, r.stderr).toBe(0);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}

describe('examples/node-pipeline', () => {
  it('prunes a tokenizer, trains in two rounds, round-trips a Hugging Face folder, generates and exports GGUF', () => {
    const out = outDir();
    const s = summaryOf(node(['examples/node-pipeline/pipeline.mjs', '--backend', 'wasm', '--out', out, '--steps', '30', '--json']));
    expect(s.backend).toBe('wasm');
    expect(s.tokenizer).toMatchObject({ before: 32000, after: 384 });
    expect(s.tokenizer.files).toEqual(expect.arrayContaining(['tokenizer.json', 'vocab-map.json', 'prune-report.json']));
    // tiny-100k's shape with a 384-token vocabulary: 108,864 + 128 * 64 (tied head)
    expect(s.params).toBe(108_864 + 128 * 64);
    // round 1's 30 steps, then round 2's round(0.5 × 30) = 15 on batches drawn by loss
    expect(s.steps).toBe(45);
    expect(s.losses).toHaveLength(s.steps);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(s.losses[0]).toBeGreaterThan(5.5); // ~ln 384 = 5.95 at init
    expect(mean(s.losses.slice(-5))).toBeLessThan(mean(s.losses.slice(0, 5)) - 0.8);
    expect(s.heldOut.loss).toBeLessThan(s.losses[0] - 0.8);
    expect(s.heldOut.bitsPerByte).toBeGreaterThan(0);
    expect(s.maxLogitDiff).toBe(0);
    expect(typeof s.generated).toBe('string');
    expect(s.generated.length).toBeGreaterThan(0);
    expect(s.gguf).toMatchObject({ magic: 'GGUF', tokenizerModel: 'llama' });
    const config = JSON.parse(readFileSync(join(s.hfDir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ architectures: ['LlamaForCausalLM'], vocab_size: 384, hidden_size: 64, tie_word_embeddings: true });
    expect(existsSync(join(s.hfDir, 'tokenizer.json'))).toBe(true);
    expect(existsSync(join(s.hfDir, 'model.safetensors'))).toBe(true);
  });
});

describe('examples/prune-tokenizer-only', () => {
  it('counts in worker threads, prunes Llama-2 to exactly 300 tokens, and every line still round-trips', () => {
    const out = outDir();
    const s = summaryOf(node(['examples/prune-tokenizer-only/prune.mjs', '--out', out, '--json']));
    expect(s.originalVocabSize).toBe(32000);
    expect(s.vocabSize).toBe(300);
    expect(s.keptIds).toBe(300);
    expect(s.files).toEqual(expect.arrayContaining(['tokenizer.json', 'tokenizer_config.json', 'vocab-map.json', 'prune-report.json']));
    expect(s.lines).toBeGreaterThan(5);
    expect(s.roundTrip).toBe(s.lines);
    expect(s.sample.after).toBeGreaterThan(s.sample.before);
    expect(s.sample.decoded).toBe('Alice was beginning to get very tired');
    const map = JSON.parse(readFileSync(join(out, 'llama2-pruned/vocab-map.json'), 'utf8')) as Record<string, number>;
    const news = Object.entries(map)
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, v]) => v);
    expect(news).toEqual([...Array(300).keys()]); // monotone old -> new
  });

  it('its package.json depends on tokenizer-prune and no tensor library', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'examples/prune-tokenizer-only/package.json'), 'utf8'));
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies });
    expect(deps).toContain('@tinylm/tokenizer-prune');
    expect(deps.filter((d) => d.startsWith('@tensorflow/') || ['@tinylm/kernels', '@tinylm/model'].includes(d))).toEqual([]);
  });
});
