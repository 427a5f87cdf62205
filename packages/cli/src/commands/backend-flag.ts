// The `--backend NAME` flag shared by every command that computes: initialises the backend
// (explicit flag > TINYLM_BACKEND > best available) and prints what was chosen on stderr.
import { type BackendReport, initBackend } from '@tinylm/kernels';
import type { CliIo } from '../io';

export const BACKEND_FLAG = { backend: { type: 'string' } } as const;

export async function startBackend(backend: unknown, io: CliIo, quiet = false): Promise<BackendReport> {
  const report = await initBackend({ backend: typeof backend === 'string' ? backend : undefined });
  if (!quiet) io.err(`backend: ${report.backend}${report.adapter ? ` (${report.adapter})` : ''}`);
  return report;
}
