// `tinylm demo` end to end at reduced size (the README's main job runs it at full size): every
// step's output exists, the report has its numbers and charts, inheritance beats random init
// before training, and a second run reuses the steps.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinylm } from './support';

let out: string;
beforeAll(async () => {
  out = join(await mkdtemp(join(tmpdir(), 'tinylm-demo-')), 'demo');
});
afterAll(async () => {
  await rm(join(out, '..'), { recursive: true, force: true });
});

const args = () => ['demo', '--out', out, '--teacher-steps', '8', '--student-params', '600000', '--backend', 'wasm'];

describe('tinylm demo', () => {
  it('runs every step and writes the report; a second run reuses them', async () => {
    const first = tinylm(args());
    expect(first.status, first.stderr).toBe(0);
    for (const step of ['[1/8] data', '[2/8] tokenizers: built', '[3/8] shape', '[4/8] teacher: trained', '[5/8] inherit', '[6/8] student', '[7/8] export', '[8/8] report']) {
      expect(first.stderr).toContain(step);
    }
    for (const f of ['report.md', 'loss-curves.svg', 'bits-per-byte.svg', 'student.gguf', 'student-hf/config.json', 'student-hf/tokenizer.json', 'tokenizers/student/vocab-map.json', 'student-run/rounds/round-2.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/\| Qwen3 \(big\) \| 151,669 \|/);
    expect(report).toMatch(/\| student \(teacher pruned\) \| 4,096 \|/);
    const before = JSON.parse(await readFile(join(out, 'student-before.json'), 'utf8'));
    expect(before.inherited.loss).toBeLessThan(before.random.loss);
    expect((await readFile(join(out, 'loss-curves.svg'), 'utf8')).startsWith('<svg')).toBe(true);
    expect(first.stdout).toMatch(/student> 明月/);

    const second = tinylm(args());
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain('[2/8] tokenizers: reused');
    expect(second.stderr).toContain('[4/8] teacher: reused');
  });

  it('a corpus path that does not exist is a clear error', () => {
    const r = tinylm(['demo', '--out', join(out, '..', 'x'), '--corpus', '/nonexistent/corpus', '--backend', 'wasm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/corpus: not a tinylm corpus folder/);
  });
});
