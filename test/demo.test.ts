// `tinylm demo` end to end at reduced size (the README's main job runs it at full size): every
// step's output exists, the report has its numbers and charts, inheritance beats random init
// before training, and a second run reuses the steps. Bad input: a corpus that does not exist or
// is empty, a teacher that is not LLaMA-family, an output folder on a read-only or a full disk
// (small tmpfs mounts; TINYLM_REQUIRE=tmpfs makes them required): one clear line, exit code
// non-zero, and a later run on a disk with room finishes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../tooling/test-env';
import { ROOT, tinylm, tinylmAsync } from './support';

let out: string;
beforeAll(async () => {
  out = join(await mkdtemp(join(tmpdir(), 'tinylm-demo-')), 'demo');
});
afterAll(async () => {
  await rm(join(out, '..'), { recursive: true, force: true });
});

const args = () => [
  'demo',
  '--out',
  out,
  '--teacher-steps',
  '8',
  '--student-params',
  '600000',
  '--student-bytes',
  '60000',
  '--batch',
  '8',
  '--backend',
  'wasm',
];

describe('tinylm demo', () => {
  it('runs every step and writes the report; a second run reuses them', async () => {
    const first = await tinylmAsync(args());
    expect(first.status, first.stderr).toBe(0);
    for (const step of [
      '[1/8] data',
      '[2/8] tokenizers: built',
      '[3/8] shape',
      '[4/8] teacher: trained',
      '[5/8] inherit',
      '[6/8] student',
      '[7/8] export',
      '[8/8] report',
    ]) {
      expect(first.stderr).toContain(step);
    }
    for (const f of [
      'report.md',
      'loss-curves.svg',
      'bits-per-byte.svg',
      'student.gguf',
      'student-hf/config.json',
      'student-hf/tokenizer.json',
      'tokenizers/student/vocab-map.json',
      'student-run/rounds/round-2.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/\| Qwen3 \(big\) \| 151,669 \|/);
    expect(report).toMatch(/\| student \(teacher pruned\) \| 4,096 \|/);
    // 8 teacher steps of 8 x 64 tokens: the report says how many tokens each model saw
    expect(report).toMatch(/\| teacher \| 8 \| 4,096 \| \d+ \|/);
    expect(report).toMatch(/\| student, after 2 rounds \| \d+ \| [\d,]+ \| \d+ \|/);
    const before = JSON.parse(await readFile(join(out, 'student-before.json'), 'utf8'));
    expect(before.inherited.loss).toBeLessThan(before.random.loss);
    expect((await readFile(join(out, 'loss-curves.svg'), 'utf8')).startsWith('<svg')).toBe(true);
    expect(first.stdout).toMatch(/student> 明月/);

    const second = await tinylmAsync(args());
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain('[2/8] tokenizers: reused');
    expect(second.stderr).toContain('[4/8] teacher: reused');
  }, 600_000);

  it('a corpus path that does not exist is a clear error', () => {
    const r = tinylm(['demo', '--out', join(out, '..', 'x'), '--corpus', '/nonexistent/corpus', '--backend', 'wasm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/corpus: not a tinylm corpus folder/);
  });

  it('an empty corpus is a clear error', () => {
    const corpus = join(out, '..', 'empty-corpus');
    mkdirSync(corpus, { recursive: true });
    for (const f of ['read-corpus.mjs', 'manifest.json']) copyFileSync(join(ROOT, 'corpus', f), join(corpus, f));
    for (const split of ['train', 'val']) writeFileSync(join(corpus, `${split}.jsonl.gz`), gzipSync(''));
    const r = tinylm(['demo', '--out', join(out, '..', 'y'), '--corpus', corpus, '--backend', 'wasm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`tinylm demo: ${corpus}: the train split is empty`);
  });

  it('a teacher folder that is not LLaMA-family is refused before any work, naming what it found', () => {
    const teacher = join(out, '..', 'gpt2');
    mkdirSync(teacher, { recursive: true });
    writeFileSync(
      join(teacher, 'config.json'),
      JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], n_embd: 768, n_layer: 12 }),
    );
    const target = join(out, '..', 'z');
    const r = tinylm(['demo', '--out', target, '--teacher', teacher, '--backend', 'wasm']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/model_type "gpt2"/);
    expect(r.stderr).toMatch(/"llama"/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(target)).toBe(false);
  });
});

/** Mounts a tmpfs of `size` at a new folder; undefined where mounting is not allowed. */
function tmpfs(size: string): string | undefined {
  const dir = join(tmpdir(), `tinylm-tmpfs-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? dir : undefined;
}
const remount = (dir: string, options: string) => expect(spawnSync('mount', ['-o', `remount,${options}`, dir]).status).toBe(0);
const mounts: string[] = [];
const probe = tmpfs('64k');
if (probe) mounts.push(probe);
const canMount = gate('tmpfs', probe !== undefined, 'mount -t tmpfs is not permitted here (it needs root)');
afterAll(() => {
  for (const m of mounts) spawnSync('umount', [m]);
});

describe.runIf(canMount)('tinylm demo on a read-only or full disk', () => {
  it('a read-only output folder is one clear error', () => {
    const dir = tmpfs('1m')!;
    mounts.push(dir);
    remount(dir, 'ro');
    const r = tinylm(['demo', '--out', join(dir, 'demo'), '--backend', 'wasm']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`tinylm demo: ${join(dir, 'demo')}: the file system is read-only; write elsewhere (EROFS, mkdir)`);
  });

  it('a full disk stops the run with a clear error; with room again, a later run finishes', async () => {
    const dir = tmpfs('1500k')!;
    mounts.push(dir);
    const target = join(dir, 'demo');
    const full = await tinylmAsync(['demo', '--out', target, ...args().slice(3)]);
    expect(full.status).toBe(1);
    expect(full.stderr).toMatch(/tinylm demo: .*no space left on the device; free some space or write elsewhere, then run again \(ENOSPC/);
    expect(full.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(target)).not.toContain('report.md');
    remount(dir, 'size=256m');
    const again = await tinylmAsync(['demo', '--out', target, ...args().slice(3)]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('[1/8] data: reused');
    expect(existsSync(join(target, 'report.md'))).toBe(true);
  }, 600_000);
});
