// The contract between the blas backend's thread pool (thread-pool.ts) and its workers
// (pool-worker.ts): a two-slot Int32Array per worker in shared memory, and one message per task
// on the worker's MessagePort (read synchronously with receiveMessageOnPort).
import type { PartName } from '../kernels/blas/parts';

/** Slot the caller sets to start a task (RUN) or to stop the worker (QUIT); IDLE otherwise. */
export const GO = 0;
/** Slot the worker sets when a task is over: OK, or FAILED with the error on the port. */
export const DONE = 1;

export const IDLE = 0;
export const RUN = 1;
export const QUIT = 2;

export const PENDING = 0;
export const OK = 1;
export const FAILED = 2;

/** One task: units [from, to) of a kernel part. Typed arrays in args live in shared memory. */
export interface PoolTask {
  name: PartName;
  args: unknown;
  from: number;
  to: number;
}

/** What a worker is started with. */
export interface PoolWorkerData {
  ctrl: Int32Array;
  port: import('node:worker_threads').MessagePort;
  /** The BLAS file the caller loaded (the worker loads the same library). */
  blasFile: string;
}

/** What a worker says once on its parent port: ready, or why it cannot work. */
export type PoolWorkerHello = { ready: true } | { error: string };
