// The parity helper: logits of a Hugging Face folder from an independent PyTorch forward
// (test/python/llama_ref.py) and from tinylm (`tinylm logits`), for the same ids.
import { fileURLToPath } from 'node:url';
import { findPython, runPython } from '../tooling/python';
import { gate } from '../tooling/test-env';
import { tinylm } from './support';

const SCRIPT = fileURLToPath(new URL('./python/llama_ref.py', import.meta.url));
const torch = findPython(['torch', 'numpy']);

/** True when python3 with torch is here (throws when TINYLM_REQUIRE names python and it is not). */
export const hasTorch = gate('python', 'python' in torch, 'missing' in torch ? torch.missing : '');

export function torchLogits(modelDir: string, ids: number[]): number[][] {
  if (!('python' in torch)) throw new Error(torch.missing);
  return JSON.parse(runPython(torch.python, SCRIPT, [modelDir, JSON.stringify(ids)])).logits;
}

export function tinylmLogits(modelDir: string, ids: number[], backend = 'cpu'): number[][] {
  const r = tinylm(['logits', '--model', modelDir, '--ids', ids.join(','), '--json', '--backend', backend]);
  if (r.status !== 0) throw new Error(`tinylm logits failed: ${r.stderr}`);
  return JSON.parse(r.stdout).logits;
}

export function maxAbsDiff(a: number[][], b: number[][]): number {
  if (a.length !== b.length) throw new Error(`positions differ: ${a.length} vs ${b.length}`);
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  return m;
}
