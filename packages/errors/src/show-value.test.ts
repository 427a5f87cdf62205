import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, showValue } from './index';
import { MAX_SHOWN_LENGTH } from './show-value';

/** `[[[…]]]` nested `depth` levels, built without recursion. */
function nested(depth: number, open: 'array' | 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = open === 'array' ? [v] : { a: v };
  return v;
}

describe('showValue', () => {
  it('shows simple values the way a user would write them', () => {
    expect(showValue('2000')).toBe('"2000"');
    expect(showValue(2000)).toBe('2000');
    expect(showValue(-1.5)).toBe('-1.5');
    expect(showValue(Number.NaN)).toBe('NaN');
    expect(showValue(true)).toBe('true');
    expect(showValue(null)).toBe('null');
    expect(showValue(undefined)).toBe('undefined');
    expect(showValue(12n ** 30n)).toBe(String(12n ** 30n));
    expect(showValue(Symbol('x'))).toBe('Symbol(x)');
    expect(showValue(() => 1)).toBe('a function');
    expect(showValue({ a: 1, b: [1, 'x'], c: null })).toBe('{"a":1,"b":[1,"x"],"c":null}');
    expect(showValue([])).toBe('[]');
    expect(showValue({})).toBe('{}');
  });

  it('cuts a long string and says how long it was', () => {
    const shown = showValue('x'.repeat(5000));
    expect(shown).toMatch(/^"x+…" \(5000 characters\)$/);
    expect(shown.length).toBeLessThanOrEqual(MAX_SHOWN_LENGTH + 30);
    // A string at the limit is shown whole.
    expect(showValue('y'.repeat(MAX_SHOWN_LENGTH))).toBe(JSON.stringify('y'.repeat(MAX_SHOWN_LENGTH)));
  });

  it('shows deep nesting as […] / {…} without overflowing the stack (100,000 levels)', () => {
    expect(showValue(nested(100_000, 'array'))).toBe('[[[[…]]]]');
    expect(showValue(nested(100_000, 'object'))).toBe('{"a":{"a":{"a":{…}}}}');
    expect(showValue([[[1]]])).toBe('[[[1]]]');
  });

  it('shows a huge array or object by its first entries and the count of the rest', () => {
    expect(showValue(Array.from({ length: 1_000_000 }, (_, i) => i))).toBe('[0,1,2,3,4,5,6,7,8,9,… 999990 more]');
    const big: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) big[`k${i}`] = i;
    expect(showValue(big)).toBe('{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,…}');
  });

  it('keeps any value within the length limit', () => {
    const wide = Array.from({ length: 10 }, () => ({ name: 'n'.repeat(1000), shape: [1, 2, 3] }));
    const shown = showValue(wide);
    expect(shown.length).toBeLessThanOrEqual(MAX_SHOWN_LENGTH + 1);
    expect(shown.endsWith('…')).toBe(true);
    expect(showValue({ ['k'.repeat(10_000)]: 1 }).length).toBeLessThanOrEqual(MAX_SHOWN_LENGTH + 1);
  });

  it('shows cycles, typed arrays, maps and errors briefly', () => {
    const a: unknown[] = [1];
    a.push(a);
    expect(showValue(a)).toBe('[1,[Circular]]');
    expect(showValue(new Float32Array(1_000_000))).toBe('Float32Array(4000000 bytes)');
    expect(showValue(new Map([[1, 2]]))).toBe('Map(1)');
    expect(showValue(new RangeError('bad'))).toBe('RangeError: bad');
  });

  it('never throws, even for getters and proxies that do', () => {
    const getter = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(showValue(getter)).toBe('{"x":?}');
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no');
        },
        getPrototypeOf() {
          throw new Error('no');
        },
      },
    );
    expect(typeof showValue(hostile)).toBe('string');
  });

  it('bounds the messages of the errors that use it', () => {
    const e = new InvalidArgumentError({ field: 'weight_map', value: nested(100_000, 'array'), allowed: 'an object' });
    expect(e.message).toBe('weight_map = [[[[…]]]] is invalid; allowed: an object');
  });
});
