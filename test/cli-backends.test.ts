// `tinylm backends --json` from the built bin, as a user runs it.
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '@tinylm/kernels';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gate } from '../tooling/test-env';
import { tinylm } from './support';

const blasProbe = () =>
  JSON.parse(tinylm(['backends', '--json']).stdout).backends.find((b: { name: string }) => b.name === 'blas') as {
    available: boolean;
    reason: string;
  };

describe('tinylm backends', () => {
  it('--json lists the five backends with availability and reasons', () => {
    const r = tinylm(['backends', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backends.map((b: { name: string }) => b.name)).toEqual(['tensorflow', 'webgpu', 'blas', 'wasm', 'cpu']);
    for (const b of out.backends) expect(typeof b.reason).toBe('string');
    expect(out.backends.find((b: { name: string }) => b.name === 'cpu').available).toBe(true);
  });

  it.runIf(gate('blas', blasProbe().available, blasProbe().reason))(
    'names the BLAS library, its file and the thread count; a missing library says what to install and wasm is used',
    () => {
      const text = tinylm(['backends']).stdout;
      expect(text).toMatch(/^blas +available +OpenBLAS at \/\S+\.so\S* \(.*\); \d+ threads? +\[default\]$/m);
      const off = tinylm(['backends'], { env: { TINYLM_BLAS: '/nonexistent/libopenblas.so.0' } }).stdout;
      expect(off).toMatch(
        /^blas +unavailable +TINYLM_BLAS=\/nonexistent\/libopenblas.so.0: cannot load \/nonexistent\/libopenblas.so.0: .*$/m,
      );
      expect(off).toMatch(/^wasm +available .*\[default\]$/m);
      const none = tinylm(['backends'], { env: { TINYLM_THREADS: '0' } }).stdout;
      expect(none).toMatch(/TINYLM_THREADS=0 must be an integer from 1 to \d+ \(the cores of this machine\), got 0/);
    },
  );

  const icd = process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD;
  it.runIf(gate('webgpu', existsSync(icd), `no Vulkan ICD at ${icd} (install chromium and libvulkan1)`))(
    'reports webgpu available when VK_ICD_FILENAMES points at SwiftShader, and unavailable (with the fix) when not',
    () => {
      const on = JSON.parse(tinylm(['backends', '--json'], { env: { VK_ICD_FILENAMES: icd } }).stdout);
      const webgpu = on.backends.find((b: { name: string }) => b.name === 'webgpu');
      expect(webgpu.available, webgpu.reason).toBe(true);
      expect(webgpu.reason).toMatch(/adapter: /);
      const off = JSON.parse(tinylm(['backends', '--json'], { env: { VK_ICD_FILENAMES: '/nonexistent.json' } }).stdout);
      expect(off.backends.find((b: { name: string }) => b.name === 'webgpu').available).toBe(false);
    },
  );

  it("keeps Dawn's driver notes off stderr: nothing from a command that computes nothing, only the backend line from one on blas or wasm; a Vulkan ICD that loads nothing is named in webgpu's reason", () => {
    for (const env of [{ VK_ICD_FILENAMES: icd }, { VK_ICD_FILENAMES: '/nonexistent.json' }]) {
      const arch = tinylm(['arch', '--preset', 'tiny-100k'], { env });
      expect(arch.status, arch.stderr).toBe(0);
      expect(arch.stderr).toBe('');
      const listed = tinylm(['backends'], { env });
      expect(listed.status).toBe(0);
      expect(listed.stderr).toBe('');
    }
    const off = tinylm(['backends', '--json'], { env: { VK_ICD_FILENAMES: '/nonexistent.json' } });
    const webgpu = JSON.parse(off.stdout).backends.find((b: { name: string }) => b.name === 'webgpu');
    expect(webgpu.reason).toMatch(/no WebGPU adapter found \(VK_ICD_FILENAMES=\/nonexistent.json gave none\); Dawn: .*nonexistent\.json/);
    // a command that starts the backend (picked automatically: SwiftShader ranks below wasm) says only which one
    const out = join(tmpdir(), `tinylm-quiet-${process.pid}`);
    const init = tinylm(['init', '--preset', 'tiny-100k', '--out', out, '--force'], { env: { VK_ICD_FILENAMES: '/nonexistent.json' } });
    rmSync(out, { recursive: true, force: true });
    expect(init.status, init.stderr).toBe(0);
    expect(init.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^backend: (blas|wasm|cpu)\b/),
      expect.stringMatching(/^initialised tiny-100k: /),
    ]);
  });

  it('an unknown command fails with the list of commands', () => {
    const r = tinylm(['nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command "nope"; commands: .*backends/);
  });
});
