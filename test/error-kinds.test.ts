// Every error class the tinylm packages export extends the one base, `TinylmError` of
// @tinylm/errors, and has a kind of its own: no two classes declare the same kind, and a class
// that declares none is an adapter of the class it inherits the kind from (same name). Also:
// an error from the CommonJS copy of a package (a second copy, with its own classes) is
// recognised by the ESM copy's `isInstance`, where `instanceof` fails.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TinylmError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

type ErrorClass = typeof TinylmError;

/** Each public package and its entry points (`@tinylm/hf-io`, `@tinylm/hf-io/bytes`, ...). */
function entryPoints(): string[] {
  const entries: string[] = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
      exports?: Record<string, unknown>;
    };
    if (pkg.private) continue;
    for (const sub of Object.keys(pkg.exports ?? { '.': null }))
      if (sub !== './package.json') entries.push(sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`);
  }
  return entries;
}

const isErrorClass = (value: unknown): value is ErrorClass => typeof value === 'function' && value.prototype instanceof Error;

/** The class whose own static `kind` this class carries (itself, or the class above it it adapts). */
function kindOwner(cls: ErrorClass): ErrorClass {
  let owner: ErrorClass = cls;
  while (!Object.hasOwn(owner, 'kind')) owner = Object.getPrototypeOf(owner) as ErrorClass;
  return owner;
}

describe('tinylm error kinds', async () => {
  const exported = new Map<ErrorClass, string[]>();
  for (const entry of entryPoints()) {
    const module = (await import(entry)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (!isErrorClass(value)) continue;
      exported.set(value, [...(exported.get(value) ?? []), `${entry}: ${name}`]);
    }
  }

  it('finds the error classes of every package', () => {
    const names = new Set([...exported.keys()].map((c) => c.name));
    for (const name of [
      'ConfigValueError',
      'HfFolderError',
      'BackendError',
      'SourceCheckpointError',
      'VocabSizeError',
      'VocabMapError',
      'TrainerCheckpointError',
      'OptionsError',
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it('every exported error class extends the shared TinylmError (one copy of it)', () => {
    const outside = [...exported]
      .filter(([cls]) => cls !== TinylmError && !(cls.prototype instanceof TinylmError))
      .map(([, where]) => where.join(', '));
    expect(outside, 'error classes not built on @tinylm/errors TinylmError').toEqual([]);
  });

  it('no two classes declare the same kind; a class without its own kind adapts the one above it, under its name', () => {
    const owners = new Map<string, Set<ErrorClass>>();
    for (const cls of exported.keys()) {
      const owner = kindOwner(cls);
      owners.set(owner.kind, (owners.get(owner.kind) ?? new Set()).add(owner));
      if (owner !== cls) expect(cls.name, `${exported.get(cls)?.join(', ')} has no kind of its own`).toBe(owner.kind);
      else expect(cls.kind, `${exported.get(cls)?.join(', ')}: the kind is the class name`).toBe(cls.name);
    }
    const shared = [...owners]
      .filter(([, classes]) => classes.size > 1)
      .map(([kind, classes]) => `${kind}: ${[...classes].map((c) => exported.get(c)?.join(' / ')).join(' and ')}`);
    expect(shared, 'kinds declared by more than one class').toEqual([]);
  });

  it('an error from another copy of any package (only its registered markers) is recognised by its kind and the kinds above it', () => {
    const chainOf = (cls: ErrorClass): string[] =>
      cls === TinylmError ? [] : [kindOwner(cls).kind, ...chainOf(Object.getPrototypeOf(kindOwner(cls)) as ErrorClass)];
    for (const cls of exported.keys()) {
      const chain = chainOf(cls);
      const marks = Object.fromEntries(
        [Symbol.for('tinylm.error'), ...chain.map((kind) => Symbol.for(`tinylm.error.${kind}`))].map((s) => [s, true]),
      );
      const foreign = Object.assign(new Error(`a ${cls.name} from another copy`), marks);
      for (const other of exported.keys()) {
        const expected = other === TinylmError || chain.includes(kindOwner(other).kind);
        expect(other.isInstance(foreign), `${other.name}.isInstance(foreign ${cls.name})`).toBe(expected);
      }
    }
  });

  it('the CommonJS copy of a package throws errors the ESM copy recognises, and the other way round', async () => {
    const esm = await import('@tinylm/hf-io');
    const cjs = require('@tinylm/hf-io') as typeof esm;
    expect(cjs.HfFolderError).not.toBe(esm.HfFolderError);
    const fromCjs = new cjs.HfFolderError({ message: 'no weights file', file: 'model' });
    expect(fromCjs instanceof esm.HfFolderError).toBe(false);
    expect(esm.HfFolderError.isInstance(fromCjs)).toBe(true);
    expect(esm.TinylmError.isInstance(fromCjs)).toBe(true);
    expect(esm.TensorNotFoundError.isInstance(fromCjs)).toBe(false);
    const kernels = await import('@tinylm/kernels');
    expect(cjs.HfFolderError.isInstance(new kernels.MemoryError('too big'))).toBe(false);
    expect(cjs.TinylmError.isInstance(new kernels.MemoryError('too big'))).toBe(true);
  });
});
