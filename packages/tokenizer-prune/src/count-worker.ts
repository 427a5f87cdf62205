// Worker-thread entry of countTokens: loads the tokenizer once, counts the batches of lines it
// is sent into its own dense array, and hands the array back at the end. Built as its own file
// (dist/count-worker.js / .cjs) and started by count-tokens.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { countBatch } from './count-batch';
import type { CorpusFormat } from './count-file';
import { loadTokenizer } from './tokenizer';

/** What the main thread passes as `workerData`. */
export interface CountWorkerInit {
  tokenizerPath: string;
  hash: string;
  vocabSize: number;
  textField: string;
  tokensField: string;
}

/** Messages to the worker. */
export type CountWorkerRequest =
  | { type: 'batch'; bytes: Uint8Array; file: string; firstLine: number; format: CorpusFormat }
  | { type: 'finish' };

/** Messages from the worker. */
export type CountWorkerReply =
  | { type: 'ready' }
  | { type: 'done'; tokens: number; documents: number; bytes: number }
  | { type: 'counts'; counts: Float64Array }
  | { type: 'error'; name: string; message: string; file?: string; field?: string };

function serializeError(error: unknown): CountWorkerReply {
  const e = error as { name?: string; message?: string; file?: string; field?: string };
  return { type: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(error), file: e?.file, field: e?.field };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const init = workerData as CountWorkerInit;
  try {
    const tokenizer = await loadTokenizer(init.tokenizerPath);
    if (tokenizer.hash !== init.hash) {
      throw new Error(`${init.tokenizerPath} changed while counting (hash ${tokenizer.hash}, expected ${init.hash})`);
    }
    const counts = new Float64Array(init.vocabSize);
    const encode = (text: string) => tokenizer.encode(text);
    port.on('message', (m: CountWorkerRequest) => {
      try {
        if (m.type === 'batch') {
          const totals = countBatch(
            { format: m.format, textField: init.textField, tokensField: init.tokensField, vocabSize: init.vocabSize, encode },
            counts,
            m.bytes,
            m.file,
            m.firstLine,
          );
          port.postMessage({ type: 'done', ...totals } satisfies CountWorkerReply);
        } else {
          port.postMessage({ type: 'counts', counts } satisfies CountWorkerReply, [counts.buffer]);
        }
      } catch (error) {
        port.postMessage(serializeError(error));
      }
    });
    port.postMessage({ type: 'ready' } satisfies CountWorkerReply);
  } catch (error) {
    port.postMessage(serializeError(error));
  }
}

void main();
