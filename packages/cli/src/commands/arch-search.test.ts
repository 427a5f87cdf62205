// `tinylm arch search` in-process: every flag in its usage, a search that finds nothing says
// which constraint to loosen, --inside keeps shapes a teacher can initialise, --out writes one.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io';
import { explainNoShape } from '../recipe/no-shape';
import { runCli } from '../run-cli';
import { SEARCH_FLAGS, SEARCH_USAGE } from './arch-search';

describe('tinylm arch search', () => {
  it('--help lists every flag the search accepts', async () => {
    for (const flag of Object.keys(SEARCH_FLAGS)) expect(SEARCH_USAGE).toContain(`--${flag}`);
    const io = capture();
    expect(await runCli(['arch', 'search', '--help'], io)).toBe(0);
    expect(io.outText.join('\n')).toContain('--width-multiple 64');
  });

  it('finding no shape exits 1 and names the constraint that removed the candidates, with the flag to loosen', async () => {
    const io = capture();
    expect(
      await runCli(['arch', 'search', '--params', '1500000', '--vocab', '8192', '--head-sizes', '32', '--multiple-of', '32'], io),
    ).toBe(1);
    expect(io.outText[0]).toMatch(/: 0 shapes within budget/);
    const why = io.errText.join('\n');
    expect(why).toMatch(/^tinylm arch search: no shape of 1\.50M parameters \(±10%\) with a vocabulary of 8,192\./);
    expect(why).toMatch(/--min-aspect-ratio 0 \(now 16: .*\): \d+ shapes, the deepest 14 layers x hidden 64/);
    expect(why).toMatch(/--tolerance 0\.5 \(now 0\.1: .*\): \d+ shapes/);
    expect(why).not.toMatch(/--multiple-of 8/); // loosening it alone finds nothing
  });

  it('an embedding larger than the budget says so', () => {
    const why = explainNoShape({ params: 100_000, vocabSize: 8192, headSizes: [32], widthMultiple: 32 });
    expect(why).toMatch(
      /The embedding and LM head alone take 524\.3K parameters at the narrowest hidden size \(32\), over the budget: raise --params or use a smaller --vocab/,
    );
    expect(why).toMatch(/No single constraint loosened finds a shape/);
  });

  it('--inside keeps the shapes a teacher can initialise; --out writes the first as a Hugging Face config.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tinylm-arch-search-'));
    try {
      const out = join(dir, 'student.json');
      const io = capture();
      const args = [
        'arch',
        'search',
        '--params',
        '5000000',
        '--vocab',
        '4096',
        '--inside',
        'bench-20m',
        '--tolerance',
        '0.3',
        '--multiple-of',
        '32',
        '--json',
        '--out',
        out,
      ];
      expect(await runCli(args, io), io.errText.join('\n')).toBe(0);
      const teacher = getPreset('bench-20m').config;
      const { candidates } = JSON.parse(io.outText[0]);
      expect(candidates.length).toBeGreaterThan(0);
      for (const c of candidates) {
        expect(c.config.numLayers).toBeLessThanOrEqual(teacher.numLayers);
        expect(c.config.hiddenSize).toBeLessThanOrEqual(teacher.hiddenSize);
        expect(c.config.intermediateSize).toBeLessThanOrEqual(teacher.intermediateSize);
        expect(c.config.hiddenSize / c.config.numHeads).toBe(teacher.hiddenSize / teacher.numHeads);
      }
      const written = JSON.parse(await readFile(out, 'utf8'));
      expect(written).toMatchObject({
        architectures: ['LlamaForCausalLM'],
        vocab_size: 4096,
        num_hidden_layers: candidates[0].config.numLayers,
        hidden_size: candidates[0].config.hiddenSize,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
