// Progress of long work on stderr: one line rewritten in place on a TTY (at most 4 times a
// second), plain lines every `plainIntervalMs` otherwise (CI logs, pipes). `final` lines always print.
import { type CliIo, processIo } from './io';

/** m:ss or h:mm:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export interface StatusLine {
  /** Shows `text` if enough time has passed since the last update (or `force`). */
  update(text: string, force?: boolean): void;
  /** Prints `text` as a permanent line (ending any in-place line first). */
  final(text: string): void;
}

export function statusLine(io: CliIo, plainIntervalMs = 10_000): StatusLine {
  const tty = io.err === processIo.err && process.stderr.isTTY === true;
  let last = 0;
  let open = false;
  return {
    update(text, force = false) {
      const now = Date.now();
      if (!force && now - last < (tty ? 250 : plainIntervalMs)) return;
      last = now;
      if (tty) {
        process.stderr.write(`\r${text}\x1b[K`);
        open = true;
      } else io.err(text);
    },
    final(text) {
      if (tty && open) process.stderr.write('\r\x1b[K');
      open = false;
      io.err(text);
    },
  };
}
