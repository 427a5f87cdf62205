// Helpers for test/trainer-crash.test.ts: a watcher that turns what a running
// `tinylm train` leaves in its run folder into a timeline of events (a step or eval line in
// metrics.jsonl, a checkpoint write starting (its `step-*.tmp-*` folder) and committed, a round's
// data file, final-scores.json, the final model's write starting), so kills can be aimed at moments
// of a reference run's timeline, and the moment a kill stopped the run can be classified from the
// folder it left.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, type FSWatcher, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support';

/** The events of a run at one step, in the order the trainer produces them. */
export const PHASES = ['step', 'val', 'round-file', 'ckpt-start', 'ckpt-done', 'final-scores', 'final-save'] as const;
export type Phase = (typeof PHASES)[number];

/** One thing the run did; `key` orders events across the whole run (step, then phase). */
export interface RunEvent {
  phase: Phase;
  step: number;
  key: number;
  /** ms since the process was started. */
  t: number;
}

export const eventKey = (step: number, phase: Phase) => step * PHASES.length + PHASES.indexOf(phase);

/** The shape of the run: the last step of each round (the last is the run's last step). */
export interface RunShape {
  roundEnds: number[];
}

const TEMP = /^step-(\d{8,})\.(tmp|old)-/;
const CHECKPOINT = /^step-(\d{8,})$/;

/** What the run folder held at one moment (read while the process was stopped). */
export interface FolderState {
  entries: string[];
  /** `step-*.tmp-*` / `step-*.old-*`: an interrupted checkpoint write. */
  leftovers: string[];
  checkpoints: string[];
}

export function folderState(runDir: string): FolderState {
  const entries = existsSync(runDir) ? readdirSync(runDir).sort() : [];
  return { entries, leftovers: entries.filter((n) => TEMP.test(n)), checkpoints: entries.filter((n) => CHECKPOINT.test(n)) };
}

/**
 * Watches one `tinylm train` process's run folder and reports new events (what was there when it
 * started is not an event). `check()` is synchronous, so it can run while the process is stopped.
 */
export class RunWatch {
  readonly events: RunEvent[] = [];
  readonly child: ChildProcess;
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly started = performance.now();
  private known: string[];
  private readonly dirs = new Map<string, number>();
  private readonly temps = new Set<string>();
  private readonly files = new Map<string, string>();
  private readonly watchers: FSWatcher[] = [];
  private readonly poll: NodeJS.Timeout;
  private listener: ((e: RunEvent) => void) | undefined;

  constructor(
    readonly runDir: string,
    args: string[],
    private readonly shape: RunShape,
  ) {
    this.known = this.metricLines();
    for (const n of folderState(runDir).entries) {
      if (CHECKPOINT.test(n)) this.dirs.set(n, statSync(join(runDir, n)).ino);
      if (TEMP.test(n) || n.startsWith('final.tmp-')) this.temps.add(n);
    }
    for (const f of this.roundFiles()) this.files.set(f, this.stamp(f));
    this.child = spawn(process.execPath, [join(ROOT, 'packages/cli/dist/bin.js'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
    for (const dir of [runDir, join(runDir, 'rounds')]) {
      try {
        this.watchers.push(watch(dir, () => this.check()));
      } catch {
        // not there yet (a fresh run): the poll covers it until then
      }
    }
    this.poll = setInterval(() => this.check(), 4);
    void this.exited.then(() => this.close());
  }

  /** Calls `f` for every event from now on. */
  onEvent(f: (e: RunEvent) => void): void {
    this.listener = f;
  }

  close(): void {
    clearInterval(this.poll);
    for (const w of this.watchers) w.close();
  }

  /** Reads the folder and reports what is new since the last check. */
  check(): void {
    const lines = this.metricLines();
    let same = 0;
    while (same < lines.length && same < this.known.length && lines[same] === this.known[same]) same++;
    // lines past the common prefix are new: appended, or written again after a resume cut the file
    for (const line of lines.slice(same)) {
      const row = JSON.parse(line) as { step: number; loss?: number; val_loss?: number };
      this.emit('loss' in row ? 'step' : 'val', row.step);
    }
    this.known = lines;
    const { entries } = folderState(this.runDir);
    for (const n of entries) {
      const temp = TEMP.exec(n);
      if ((temp?.[2] === 'tmp' || n.startsWith('final.tmp-')) && !this.temps.has(n)) {
        this.temps.add(n);
        if (temp) this.emit('ckpt-start', Number(temp[1]));
        else this.emit('final-save', this.shape.roundEnds.at(-1)!);
      }
      const ck = CHECKPOINT.exec(n);
      if (ck) {
        let ino: number;
        try {
          ino = statSync(join(this.runDir, n)).ino;
        } catch {
          continue; // pruned in between
        }
        if (this.dirs.get(n) !== ino) {
          this.dirs.set(n, ino);
          this.emit('ckpt-done', Number(ck[1]));
        }
      }
    }
    for (const f of this.roundFiles()) {
      const stamp = this.stamp(f);
      if (this.files.get(f) === stamp) continue;
      this.files.set(f, stamp);
      const round = /^round-(\d+)\.json$/.exec(f);
      if (round) this.emit('round-file', this.shape.roundEnds[Number(round[1]) - 2]);
      else if (f === 'final-scores.json') this.emit('final-scores', this.shape.roundEnds.at(-1)!);
    }
  }

  private emit(phase: Phase, step: number): void {
    const e = { phase, step, key: eventKey(step, phase), t: performance.now() - this.started };
    this.events.push(e);
    this.listener?.(e);
  }

  private metricLines(): string[] {
    let text: string;
    try {
      text = readFileSync(join(this.runDir, 'metrics.jsonl'), 'utf8');
    } catch {
      return [];
    }
    const lines = text.split('\n');
    lines.pop(); // '' after the last newline, or a line still being written
    return lines.filter((l) => l !== '');
  }

  private roundFiles(): string[] {
    try {
      return readdirSync(join(this.runDir, 'rounds')).filter((f) => f.startsWith('round-') || f === 'final-scores.json');
    } catch {
      return [];
    }
  }

  private stamp(f: string): string {
    try {
      const s = statSync(join(this.runDir, 'rounds', f), { bigint: true });
      return `${s.ino}:${s.mtimeNs}:${s.size}`;
    } catch {
      return '';
    }
  }
}
