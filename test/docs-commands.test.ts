// The shell blocks of docs/getting-started.md and docs/pipeline.md, run as a user runs them.
//
// Which blocks (also stated in docs/README.md):
// - every ```sh, ```bash and ```shell fenced block of the two pages, except a block whose opening
//   fence comes right after a line `<!-- not-run: why -->` (cloning the repository, a GPU-only
//   command). ```text blocks (sample output) are never run;
// - the blocks of one page run in order, verbatim, in one bash (`set -eo pipefail`) started in a
//   fresh empty folder under test-artifacts/docs-commands/ (git-ignored), so a `cd` or a variable
//   of one block holds in the next, as in a user's terminal. REPO is the checkout, and the pages
//   put its node_modules/.bin, hence the built packages/cli/dist/bin.js, on the PATH as `tinylm`;
// - sizes are reduced through the environment variables the pages read (`${BYTES:-300000}`);
// - a block passes when every command in it exits with 0 and the check below for it holds (the
//   files it writes, what it prints). A runnable block without a check fails the test, and so does
//   a page without a runnable block. Failing pages' folders are kept for a look.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support';

const WORK = join(ROOT, 'test-artifacts/docs-commands');
const TIMEOUT_MS = 600_000;

interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The reason given in `<!-- not-run: ... -->`, when the block is not run. */
  notRun?: string;
}

interface Ran {
  /** The folder the page's commands started in. */
  dir: string;
  stdout: string;
  stderr: string;
}

interface Check {
  /** Text that identifies the block (it must occur in exactly one runnable block of the page). */
  block: string;
  check: (r: Ran) => void;
}

interface Page {
  file: string;
  /** Reduced sizes, through the variables the page reads. */
  env: Record<string, string>;
  checks: Check[];
}

const SHELLS = new Set(['sh', 'bash', 'shell']);

function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (SHELLS.has(open[1].toLowerCase())) {
      const marker = /^<!--\s*not-run\b:?\s*(.*?)\s*-->\s*$/.exec(i > 0 ? lines[i - 1] : '');
      blocks.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n'), notRun: marker ? marker[1] || 'not-run' : undefined });
    }
    i = end;
  }
  return blocks;
}

const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n');
const keys = (dir: string, file: string) => Object.keys(readJson(dir, file));

const PAGES: Page[] = [
  {
    file: 'docs/getting-started.md',
    env: { BYTES: '15000', VAL_BYTES: '5000', TEACHER_STEPS: '4' },
    checks: [
      {
        block: 'tinylm backends',
        check: ({ dir, stdout }) => {
          expect(stdout).toMatch(/^cpu +available/m);
          expect(existsSync(join(dir, 'by-hand'))).toBe(true);
        },
      },
      {
        block: 'read-corpus.mjs',
        check: ({ dir }) => {
          const part = lines(dir, 'by-hand/corpus-part.jsonl').map((l) => JSON.parse(l));
          expect(new Set(part.map((r) => r.lang))).toEqual(new Set(['en', 'zh']));
          expect(typeof part[0].text).toBe('string');
          expect(lines(dir, 'by-hand/held-out.jsonl').length).toBeGreaterThan(0);
        },
      },
      {
        block: '--vocab-size 8192',
        check: ({ dir }) => {
          expect(readJson(dir, 'by-hand/qwen3-counts.json')).toMatchObject({
            format: 'tinylm-token-counts',
            tokenizer: { vocabSize: 151669 },
          });
          expect(keys(dir, 'by-hand/tok-8k/vocab-map.json')).toHaveLength(8192);
          expect(existsSync(join(dir, 'by-hand/tok-8k/tokenizer.json'))).toBe(true);
        },
      },
      {
        block: 'teacher.json',
        check: ({ dir, stdout }) => {
          expect(stdout).toMatch(/^done: 4 steps, held-out loss \d/m);
          expect(readJson(dir, 'by-hand/teacher-run/final/config.json')).toMatchObject({
            vocab_size: 8192,
            hidden_size: 192,
            num_hidden_layers: 8,
          });
          expect(existsSync(join(dir, 'by-hand/teacher-run/final/tokenizer.json'))).toBe(true);
        },
      },
      {
        block: '--vocab-size 4096',
        check: ({ dir }) => {
          const map = readJson(dir, 'by-hand/tok-4k/vocab-map.json') as Record<string, number>;
          expect(Object.keys(map)).toHaveLength(4096);
          expect(Math.max(...Object.keys(map).map(Number))).toBeLessThan(8192); // teacher ids
          expect(Math.max(...Object.values(map))).toBe(4095);
        },
      },
      {
        block: 'tinylm arch search',
        check: ({ dir, stdout }) => {
          expect(stdout).toContain('wrote the first shape (8 layers x hidden 96) to student.json');
          expect(readJson(dir, 'by-hand/student.json')).toMatchObject({
            architectures: ['LlamaForCausalLM'],
            vocab_size: 4096,
            hidden_size: 96,
            num_hidden_layers: 8,
            intermediate_size: 192,
          });
        },
      },
      {
        block: 'tinylm inherit',
        check: ({ dir, stdout }) => {
          expect(stdout).toMatch(/^inherited 1,525,344 parameters from teacher-run\/final -> student-init$/m);
          expect(readJson(dir, 'by-hand/student-init/config.json')).toMatchObject({ vocab_size: 4096, hidden_size: 96 });
          expect(existsSync(join(dir, 'by-hand/student-init/inherit-report.json'))).toBe(true);
          expect(existsSync(join(dir, 'by-hand/student-init/tokenizer.json'))).toBe(true);
        },
      },
      {
        block: 'tinylm eval',
        check: ({ dir, stdout }) => {
          expect(readJson(dir, 'by-hand/run/rounds/round-2.json')).toMatchObject({ round: 2, sample_rate: 0.5 });
          expect(lines(dir, 'by-hand/run/metrics.jsonl').some((l) => 'val_bpb' in JSON.parse(l))).toBe(true);
          expect(readJson(dir, 'by-hand/run/final/config.json')).toMatchObject({ vocab_size: 4096 });
          expect(stdout).toMatch(/^loss \d+\.\d{4} +perplexity [\d.]+ +bits\/byte \d+\.\d{4}/m);
        },
      },
      {
        block: 'tinylm generate',
        check: ({ dir, stdout }) => {
          expect(readJson(dir, 'by-hand/student-hf/config.json')).toMatchObject({ architectures: ['LlamaForCausalLM'], vocab_size: 4096 });
          expect(readFileSync(join(dir, 'by-hand/student.gguf')).subarray(0, 4).toString('latin1')).toBe('GGUF');
          const generated = stdout.trim().split('\n').at(-1) ?? '';
          expect(generated.startsWith('The Congress')).toBe(true);
          expect(generated.length).toBeGreaterThan('The Congress'.length);
          expect(generated).not.toMatch(/<\|(im_end|endoftext|im_start)\|>/);
        },
      },
    ],
  },
  {
    file: 'docs/pipeline.md',
    env: { TEACHER_STEPS: '8', STUDENT_PARAMS: '600000', STUDENT_BYTES: '60000' },
    checks: [
      {
        block: 'tinylm demo',
        check: ({ dir, stderr }) => {
          expect(stderr).toContain('[8/8] report');
          for (const f of [
            'report.md',
            'student.gguf',
            'student-hf/config.json',
            'student-run/rounds/round-2.json',
            'teacher/hf/config.json',
            'student-init/inherit-report.json',
          ]) {
            expect(existsSync(join(dir, 'tinylm-demo', f)), f).toBe(true);
          }
        },
      },
      {
        block: 'ls tinylm-demo',
        check: ({ stdout }) => {
          expect(stdout).toContain('vocab-map.json');
          expect(stdout).toContain('model.safetensors');
          expect(stdout).toMatch(/^# /m);
        },
      },
    ],
  },
];

interface PageRun {
  /** Blocks that finished, by index among the runnable ones. */
  done: Set<number>;
  /** The bash's exit code. */
  status: number | null;
  outputs: { stdout: string; stderr: string }[];
  dir: string;
  /** What `tinylm` was on the page's PATH at the end. */
  tinylm: string;
}

const slug = (file: string) => file.replace(/^docs\//, '').replace(/\.md$/, '');

/** Writes the page's blocks and a bash that sources them in order, each block's output to its own files. */
function runPage(page: Page, blocks: Block[]): Promise<PageRun> {
  const base = join(WORK, slug(page.file));
  rmSync(base, { recursive: true, force: true });
  const scripts = join(base, 'blocks');
  const dir = join(base, 'run');
  mkdirSync(scripts, { recursive: true });
  mkdirSync(dir, { recursive: true });
  const steps = blocks.map((b, i) => {
    writeFileSync(join(scripts, `${i}.sh`), `${b.code}\n`);
    const file = (ext: string) => JSON.stringify(join(scripts, `${i}.${ext}`));
    return `{ source ${file('sh')}; } > ${file('out')} 2> ${file('err')}\necho ${i} >> ${JSON.stringify(join(scripts, 'done'))}`;
  });
  const which = JSON.stringify(join(scripts, 'which'));
  writeFileSync(join(scripts, 'page.sh'), `set -eo pipefail\n${steps.join('\n')}\ncommand -v tinylm > ${which}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(scripts, 'page.sh')], {
      cwd: dir,
      env: { ...process.env, REPO: ROOT, ...page.env },
      stdio: 'ignore',
      timeout: TIMEOUT_MS,
    });
    child.on('error', reject);
    child.on('close', (status) => {
      const read = (f: string) => (existsSync(join(scripts, f)) ? readFileSync(join(scripts, f), 'utf8') : '');
      const done = new Set(read('done').split('\n').filter(Boolean).map(Number));
      const outputs = blocks.map((_, i) => ({ stdout: read(`${i}.out`), stderr: read(`${i}.err`) }));
      resolve({ done, status, outputs, dir, tinylm: read('which').trim() });
    });
  });
}

for (const page of PAGES) {
  const all = blocksOf(page.file);
  const runnable = all.filter((b) => b.notRun === undefined);
  const checkOf = (b: Block) => page.checks.filter((c) => b.code.includes(c.block));

  describe(`${page.file}: shell blocks`, () => {
    let ran: PageRun;
    let failures = 0;

    beforeAll(async () => {
      ran = await runPage(page, runnable);
    }, TIMEOUT_MS + 30_000);

    afterAll(() => {
      if (failures === 0) rmSync(join(WORK, slug(page.file)), { recursive: true, force: true });
      if (existsSync(WORK) && readdirSync(WORK).length === 0) rmSync(WORK, { recursive: true });
    });

    it('has runnable blocks, each with exactly one check here, and every check names one block', () => {
      expect(runnable.length).toBeGreaterThan(0);
      for (const b of runnable)
        expect(checkOf(b).length, `${page.file}:${b.line}: add one check to PAGES (${checkOf(b).length} match)`).toBe(1);
      for (const c of page.checks) expect(runnable.filter((b) => b.code.includes(c.block)).length, `check "${c.block}"`).toBe(1);
    });

    it.each(runnable.map((b, i) => [`block at line ${b.line}`, b, i] as const))('%s', (_name, b, i) => {
      failures++;
      const where = `${page.file}, block at line ${b.line}, run in ${ran.dir}`;
      const firstFailed = runnable.findIndex((_, j) => !ran.done.has(j));
      if (!ran.done.has(i)) {
        const reason =
          firstFailed === i
            ? `exited with ${ran.status === null ? `a timeout (${TIMEOUT_MS / 1000} s)` : `code ${ran.status}`}`
            : `not reached: the block at line ${runnable[firstFailed].line} failed first`;
        expect.fail(`${where}: ${reason}\n${ran.outputs[i].stderr.slice(-4000)}`);
      }
      checkOf(b)[0].check({ dir: ran.dir, ...ran.outputs[i] });
      failures--;
    });

    it('every block ran, with tinylm the built CLI of this checkout', () => {
      failures++;
      expect(ran.status, `the page's shell exited with ${ran.status}`).toBe(0);
      expect(realpathSync(ran.tinylm)).toBe(join(ROOT, 'packages/cli/bin/tinylm.js')); // which runs packages/cli/dist/bin.js
      failures--;
    });
  });
}
