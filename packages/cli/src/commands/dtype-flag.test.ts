// `--dtype` takes both spellings of a weight dtype in every command, and refuses others listing them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../args';
import type { CliIo } from '../io';
import { runCli } from '../run-cli';
import { dtypeFlag } from './dtype-flag';

describe('dtypeFlag', () => {
  it('maps both spellings to the canonical name', () => {
    expect([dtypeFlag('f16'), dtypeFlag('float16'), dtypeFlag('bf16'), dtypeFlag('f32'), dtypeFlag(undefined)]).toEqual([
      'float16',
      'float16',
      'bfloat16',
      'float32',
      undefined,
    ]);
  });

  it('refuses an unknown or unsupported dtype with the allowed spellings', () => {
    expect(() => dtypeFlag('half')).toThrow(
      new UsageError('--dtype must be one of float32 (f32), float16 (f16), bfloat16 (bf16), got "half"'),
    );
    expect(() => dtypeFlag('bf16', ['float32', 'float16'])).toThrow('--dtype must be one of float32 (f32), float16 (f16), got "bf16"');
  });
});

describe('tinylm init --dtype', () => {
  it('writes the same dtype for f16 and float16', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-dtype-'));
    const io: CliIo = { out: () => {}, err: () => {} };
    try {
      for (const dtype of ['f16', 'float16'])
        expect(await runCli(['init', '--preset', 'tiny-1m', '--out', join(dir, dtype), '--dtype', dtype, '--backend', 'cpu'], io)).toBe(0);
      const configs = await Promise.all(
        ['f16', 'float16'].map(async (d) => JSON.parse(await readFile(join(dir, d, 'config.json'), 'utf8'))),
      );
      expect(configs.map((c) => c.torch_dtype)).toEqual(['float16', 'float16']);
      expect(await runCli(['init', '--preset', 'tiny-1m', '--out', join(dir, 'x'), '--dtype', 'half'], io)).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
