// A CliIo that records what a command prints, for running commands in-process in tests.
import type { CliIo } from './io';

export function captureIo(): CliIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return { outText, errText, out: (t) => outText.push(t), err: (t) => errText.push(t) };
}
