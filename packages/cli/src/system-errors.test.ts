import { describe, expect, it } from 'vitest';
import { describeOutOfMemory, describeSystemError } from './system-errors';

const sysError = (code: string, extra: Record<string, string> = {}) => Object.assign(new Error(`${code}: boom`), { code, ...extra });

describe('describeSystemError', () => {
  it('names the path, the meaning and the code of a full or read-only disk', () => {
    expect(describeSystemError(sysError('ENOSPC', { path: '/out/x.tmp', syscall: 'write' }))).toBe(
      '/out/x.tmp: no space left on the device; free some space or write elsewhere, then run again (ENOSPC, write)',
    );
    expect(describeSystemError(sysError('EROFS', { path: '/ro/demo', syscall: 'mkdir' }))).toMatch(
      /^\/ro\/demo: the file system is read-only/,
    );
  });

  it('finds the system error a library error was caused by', () => {
    const wrapped = new Error('could not save the model', { cause: sysError('EDQUOT', { path: '/q/model.safetensors' }) });
    expect(describeSystemError(wrapped)).toMatch(/^\/q\/model.safetensors: disk quota exceeded/);
  });

  it('shows both paths of a failed rename', () => {
    expect(describeSystemError(sysError('EACCES', { path: '/a.tmp', dest: '/a', syscall: 'rename' }))).toMatch(
      /^\/a.tmp -> \/a: permission denied/,
    );
  });

  it('leaves other errors alone', () => {
    expect(describeSystemError(new Error('plain'))).toBeUndefined();
    expect(describeSystemError(sysError('ECONNRESET'))).toBeUndefined();
    expect(describeSystemError('ENOSPC')).toBeUndefined();
  });
});

describe('describeOutOfMemory', () => {
  it('turns a failed typed-array allocation into one line saying what to reduce, and nothing else', () => {
    const real = (() => {
      try {
        return new Float32Array(2 ** 40);
      } catch (e) {
        return e;
      }
    })();
    expect(describeOutOfMemory(real)).toMatch(
      /^out of memory \((Array buffer allocation failed|Invalid typed array length.*)\): reduce the batch size, the sequence length or the model$/,
    );
    expect(describeOutOfMemory(new RangeError('Maximum call stack size exceeded'))).toBeUndefined();
    expect(describeOutOfMemory(new Error('Array buffer allocation failed'))).toBeUndefined();
  });
});
