// A worker of the blas backend's thread pool (thread-pool.ts): loads the caller's BLAS on one
// thread and its own instance of the SIMD kernels, then runs kernel parts until told to quit.
// Built as its own file (dist/pool-worker.js); it never loads tfjs.
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { runPart } from '../kernels/blas/parts';
import { Simd } from '../kernels/simd/simd';
import { openBlasLibrary } from './library';
import { spinWhile } from './spin';
import { DONE, FAILED, GO, IDLE, OK, type PoolTask, type PoolWorkerData, type PoolWorkerHello, QUIT, RUN } from './pool-protocol';

const hello = (h: PoolWorkerHello) => parentPort?.postMessage(h);

/** The task the caller posted before setting GO (postMessage queues it before returning). */
function nextTask(port: MessagePort): PoolTask {
  for (;;) {
    const m = receiveMessageOnPort(port);
    if (m) return m.message as PoolTask;
  }
}

async function main(): Promise<void> {
  const { ctrl, port, blasFile } = workerData as PoolWorkerData;
  const blas = await openBlasLibrary(blasFile);
  if (typeof blas === 'string') return hello({ error: blas });
  const simd = new Simd();
  simd.useCopy(blas.copy);
  const ctx = { simd, blas };
  hello({ ready: true });
  for (;;) {
    spinWhile(() => Atomics.load(ctrl, GO) === IDLE);
    Atomics.wait(ctrl, GO, IDLE);
    const go = Atomics.exchange(ctrl, GO, IDLE);
    if (go === QUIT) return;
    if (go !== RUN) continue;
    let status = OK;
    try {
      const task = nextTask(port);
      runPart(task.name, ctx, task.args as never, task.from, task.to);
    } catch (e) {
      status = FAILED;
      port.postMessage(e instanceof Error ? e.message : String(e));
    }
    Atomics.store(ctrl, DONE, status);
    Atomics.notify(ctrl, DONE);
  }
}

main().catch((e: unknown) => hello({ error: e instanceof Error ? e.message : String(e) }));
