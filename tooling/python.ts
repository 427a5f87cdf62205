// Finds a python3 that can import the given modules (Debian's python3-torch lives under
// /usr/bin/python3, not a pyenv python that may come first on PATH), and runs scripts with it.
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/python3', 'python3'];

/** The first python3 that imports every module in `modules`, or the reason none does. */
export function findPython(modules: string[]): { python: string } | { missing: string } {
  const tried: string[] = [];
  for (const python of CANDIDATES) {
    const r = spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], { encoding: 'utf8' });
    if (r.status === 0) return { python };
    tried.push(`${python}: ${r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop()}`);
  }
  return { missing: `no python3 with ${modules.join(', ')} (${tried.join('; ')})` };
}

/** Runs `script` with `args`, feeding `input` on stdin; returns stdout or throws with stderr. */
export function runPython(python: string, script: string, args: string[] = [], input?: string): string {
  const r = spawnSync(python, [script, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${python} ${script} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
