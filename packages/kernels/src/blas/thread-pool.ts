// The blas backend's threads: the calling thread plus `threads - 1` workers (pool-worker.ts),
// each running a share of a kernel call's units (src/kernels/blas/parts/) on tensors in shared
// memory. A call hands each worker one message and wakes it through Atomics (~20 us a round trip
// here), runs the first share itself and waits for the rest. Shares are contiguous and fixed by
// the unit count and thread count; no unit's result depends on them.
import type { MessagePort, Worker } from 'node:worker_threads';
import { firstLine, importOptional } from '../backend/names';
import type { PartName } from '../kernels/blas/parts';
import { spinWhile } from './spin';
import { DONE, FAILED, GO, PENDING, type PoolTask, type PoolWorkerData, type PoolWorkerHello, QUIT, RUN } from './pool-protocol';

declare const __TINYLM_POOL_WORKER__: string | undefined;

interface Helper {
  worker: Worker;
  port: MessagePort;
  ctrl: Int32Array;
}

type WorkerThreads = typeof import('node:worker_threads');

/** The worker script: next to the bundle in dist/, or the built one when running from src/; a string says why not. */
export async function poolWorkerScript(): Promise<URL | string> {
  const url = new URL(typeof __TINYLM_POOL_WORKER__ === 'string' ? __TINYLM_POOL_WORKER__ : '../../dist/pool-worker.js', import.meta.url);
  const { existsSync } = await importOptional<typeof import('node:fs')>('node:fs');
  return existsSync(url) ? url : `its worker script ${url.pathname} is missing (build @tinylm/kernels, or do not bundle it)`;
}

async function startHelper(wt: WorkerThreads, script: URL, blasFile: string): Promise<Helper> {
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new wt.MessageChannel();
  const data: PoolWorkerData = { ctrl, port: port2, blasFile };
  const worker = new wt.Worker(script, { workerData: data, transferList: [port2] });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (h: PoolWorkerHello) => ('error' in h ? reject(new Error(h.error)) : resolve()));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
  });
  worker.removeAllListeners();
  worker.unref();
  port1.unref();
  return { worker, port: port1, ctrl };
}

export class ThreadPool {
  private constructor(
    private readonly helpers: Helper[],
    private readonly receive: WorkerThreads['receiveMessageOnPort'],
  ) {}

  /** Starts `threads - 1` workers on the BLAS at `blasFile`; a string says why it could not. */
  static async start(threads: number, blasFile: string): Promise<ThreadPool | string> {
    let wt: WorkerThreads;
    try {
      wt = await importOptional<WorkerThreads>('node:worker_threads');
    } catch (e) {
      return `no worker threads here: ${firstLine(e)}`;
    }
    const script = await poolWorkerScript();
    if (typeof script === 'string') return script;
    const helpers: Helper[] = [];
    try {
      for (let i = 1; i < threads; i++) helpers.push(await startHelper(wt, script, blasFile));
    } catch (e) {
      for (const h of helpers) void h.worker.terminate();
      return `a worker failed to start: ${firstLine(e)}`;
    }
    return new ThreadPool(helpers, wt.receiveMessageOnPort);
  }

  /** Threads, the calling one included. */
  get size(): number {
    return this.helpers.length + 1;
  }

  /**
   * Runs units [0, units) of part `name`: shares 1.. on the workers, share 0 through `here` on
   * this thread. Throws the first error any share threw (after every share has finished).
   */
  run(name: PartName, args: unknown, units: number, here: (from: number, to: number) => void): void {
    const threads = Math.max(1, Math.min(this.size, units));
    const start = (i: number) => Math.floor((i * units) / threads);
    const busy = this.helpers.slice(0, threads - 1);
    busy.forEach((h, i) => {
      const task: PoolTask = { name, args, from: start(i + 1), to: start(i + 2) };
      h.port.postMessage(task);
      Atomics.store(h.ctrl, DONE, PENDING);
      Atomics.store(h.ctrl, GO, RUN);
      Atomics.notify(h.ctrl, GO);
    });
    let error: unknown;
    try {
      here(0, start(1));
    } catch (e) {
      error = e;
    }
    for (const h of busy) {
      spinWhile(() => Atomics.load(h.ctrl, DONE) === PENDING);
      while (Atomics.load(h.ctrl, DONE) === PENDING) Atomics.wait(h.ctrl, DONE, PENDING);
      if (Atomics.load(h.ctrl, DONE) === FAILED) error ??= new Error(`tinylm blas worker: ${String(this.receive(h.port)?.message)}`);
    }
    if (error) throw error;
  }

  /** Stops the workers. */
  close(): void {
    for (const h of this.helpers) {
      Atomics.store(h.ctrl, GO, QUIT);
      Atomics.notify(h.ctrl, GO);
      h.port.close();
    }
    this.helpers.length = 0;
  }
}
