// `tinylm backends [--json]`: which tensor backends can run here, and why not.
import { type BackendAvailability, probeBackends } from '@tinylm/kernels';
import { parseFlags } from '../args';
import type { CliIo } from '../io';
import type { Command } from './command';

const USAGE = 'tinylm backends [--json]';

export interface BackendsResult {
  backends: BackendAvailability[];
  /** What initBackend would pick with no explicit choice (TINYLM_BACKEND, else the best available). */
  default: string | null;
}

export async function listBackends(): Promise<BackendsResult> {
  const backends = await probeBackends();
  const env = process.env.TINYLM_BACKEND;
  const byEnv = env ? backends.find((b) => b.name === env && b.available) : undefined;
  const ranked = [...backends.filter((b) => !b.software), ...backends.filter((b) => b.software)];
  return { backends, default: byEnv?.name ?? ranked.find((b) => b.available)?.name ?? null };
}

export const backendsCommand: Command = {
  name: 'backends',
  summary: 'list the tensor backends (tensorflow, webgpu, wasm, cpu): available or not, and why',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, USAGE);
    const result = await listBackends();
    if (values.json) {
      io.out(JSON.stringify(result));
      return 0;
    }
    for (const b of result.backends) {
      const mark = b.available ? 'available  ' : 'unavailable';
      io.out(`${b.name.padEnd(10)} ${mark}  ${b.reason}${b.name === result.default ? '  [default]' : ''}`);
    }
    return 0;
  },
};
