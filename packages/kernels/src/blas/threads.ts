// The thread count of the blas backend: initBackend's `threads`, else TINYLM_THREADS, else every
// core. Anything but an integer from 1 to the machine's core count is an error naming the value.
import { importOptional, readEnv } from '../backend/names';
import { ArgumentError } from '../errors';

/** Cores of this machine as Node counts them (os.availableParallelism). */
export async function machineThreads(): Promise<number> {
  const os = await importOptional<typeof import('node:os')>('node:os');
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export async function resolveThreads(requested?: number): Promise<number> {
  const cores = await machineThreads();
  const env = readEnv('TINYLM_THREADS');
  const [value, source] =
    requested !== undefined
      ? [requested, 'threads']
      : env !== undefined && env !== ''
        ? [Number(env), `TINYLM_THREADS=${env}`]
        : [cores, ''];
  if (!Number.isInteger(value) || value < 1 || value > cores) {
    throw new ArgumentError(`${source} must be an integer from 1 to ${cores} (the cores of this machine), got ${requested ?? env}`);
  }
  return value;
}
