// Argument checks shared by the ops: each failure names the op, the argument, the value found
// and what is allowed, and is thrown before any backend work is queued.
import type { Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** `t` must have rank `rank`; `names` documents the expected axes, e.g. `(B, T, C)`. */
export function checkRank(op: string, arg: string, t: Tensor, rank: number, names: string): void {
  if (t.rank !== rank) {
    throw new ArgumentError(`${op}: ${arg} must have rank ${rank} ${names}, got shape ${fmt(t.shape)}`);
  }
}

export function checkDtype(op: string, arg: string, t: Tensor, allowed: readonly string[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new ArgumentError(`${op}: ${arg} must have dtype ${allowed.join(' or ')}, got ${t.dtype}`);
  }
}

/** Axis `axis` of `t` must equal `expected` (described by `what`). */
export function checkDim(op: string, arg: string, t: Tensor, axis: number, expected: number, what: string): void {
  const i = axis < 0 ? t.rank + axis : axis;
  if (t.shape[i] !== expected) {
    throw new ArgumentError(`${op}: ${arg} axis ${i} must equal ${what} (${expected}), got shape ${fmt(t.shape)}`);
  }
}

export function checkSameShape(op: string, a: string, ta: Tensor, b: string, tb: Tensor): void {
  if (ta.shape.length !== tb.shape.length || ta.shape.some((d, i) => d !== tb.shape[i])) {
    throw new ArgumentError(`${op}: ${a} ${fmt(ta.shape)} and ${b} ${fmt(tb.shape)} must have the same shape`);
  }
}

export function checkPositiveInt(op: string, arg: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ArgumentError(`${op}: ${arg} must be a positive integer, got ${value}`);
  }
}

export function checkFinite(op: string, arg: string, value: number): void {
  if (!Number.isFinite(value)) throw new ArgumentError(`${op}: ${arg} must be a finite number, got ${value}`);
}
