import { describe, expect, it } from 'vitest';
import {
  evaluateJsonPath, isReferencePath, isValidJsonPath, lookupJsonPath, queryJsonPath,
} from '../../../src/asl/json-path.js';

const data = {
  a: { b: [10, 20, 30], 'x y': 'spaced', n: null },
  items: [{ id: 1, tag: 'x' }, { id: 2, tag: 'y' }, { id: 3, tag: 'x' }],
};

describe('definite paths', () => {
  it('resolves $, dots, brackets and indexes', () => {
    expect(evaluateJsonPath('$', data)).toBe(data);
    expect(evaluateJsonPath('$.a.b[1]', data)).toBe(20);
    expect(evaluateJsonPath("$.a['x y']", data)).toBe('spaced');
    expect(evaluateJsonPath('$["a"]["b"][0]', data)).toBe(10);
    expect(evaluateJsonPath('$.a.b[-1]', data)).toBe(30);
    expect(evaluateJsonPath('$.a.n', data)).toBeNull();
  });

  it('reports Jayway reasons: missing leaf vs missing intermediate', () => {
    expect(lookupJsonPath('$.a.zz', data)).toEqual({ ok: false, reason: "No results for path: $['a']['zz']" });
    expect(lookupJsonPath('$.no.such.path', data)).toEqual({ ok: false, reason: "Missing property in path $['no']" });
    expect(lookupJsonPath('$.a.b[7]', data)).toEqual({ ok: false, reason: "No results for path: $['a']['b'][7]" });
    expect(evaluateJsonPath('$.a.b.c', data)).toBeUndefined();
  });

  it('never walks the prototype chain', () => {
    expect(evaluateJsonPath('$.constructor', {})).toBeUndefined();
    expect(evaluateJsonPath('$.__proto__', {})).toBeUndefined();
  });
});

describe('indefinite paths return arrays (Jayway)', () => {
  it('wildcards, slices, recursive descent', () => {
    expect(evaluateJsonPath('$.items[*].id', data)).toEqual([1, 2, 3]);
    expect(evaluateJsonPath('$.a.b[0:2]', data)).toEqual([10, 20]);
    expect(evaluateJsonPath('$..id', data)).toEqual([1, 2, 3]);
    expect(evaluateJsonPath('$.items[*].missing', data)).toEqual([]);
  });

  it('filters work without script evaluation', () => {
    expect(queryJsonPath("$.items[?(@.tag == 'x')].id", data)).toEqual([1, 3]);
    expect(queryJsonPath('$.items[?(@.id > 1 && @.id < 3)]', data)).toEqual([{ id: 2, tag: 'y' }]);
  });

  it('refuses filters that call functions or reach outside the item', () => {
    expect(() => queryJsonPath('$.items[?(@.tag.constructor("x"))]', data)).toThrow();
    expect(() => queryJsonPath('$.items[?(process.exit())]', data)).toThrow();
    expect(() => queryJsonPath('$.items[(@.length-1)]', data)).toThrow();
  });
});

describe('classification', () => {
  it('isReferencePath', () => {
    expect(isReferencePath('$.a.b[0]')).toBe(true);
    expect(isReferencePath("$['a b']")).toBe(true);
    expect(isReferencePath('$.a[*]')).toBe(false);
    expect(isReferencePath('$..a')).toBe(false);
    expect(isReferencePath('a.b')).toBe(false);
  });
  it('isValidJsonPath', () => {
    expect(isValidJsonPath('$')).toBe(true);
    expect(isValidJsonPath('$.a[?(@.x == 1)]')).toBe(true);
    expect(isValidJsonPath('$.')).toBe(false);
    expect(isValidJsonPath('$.a[')).toBe(false);
    expect(isValidJsonPath('foo')).toBe(false);
  });
});

describe('filter whitelist', () => {
  it('accepts parenthesised boolean logic but not calls', () => {
    const d = { l: [{ a: 1, b: 2 }, { a: 2, b: 2 }] };
    expect(queryJsonPath('$.l[?((@.a == 1 || @.a == 2) && !(@.b != 2))].a', d)).toEqual([1, 2]);
    expect(() => queryJsonPath('$.l[?(@.a.toString())]', d)).toThrow(/Unsupported/);
  });
});

describe('Jayway path functions', () => {
  const d = { l: [3, 1, 2], o: { a: 1, b: 2 }, e: [] as number[] };
  it('length, aggregates, keys, first/last', () => {
    expect(evaluateJsonPath('$.l.length()', d)).toBe(3);
    expect(evaluateJsonPath('$.o.length()', d)).toBe(2);
    expect(evaluateJsonPath('$.l.min()', d)).toBe(1);
    expect(evaluateJsonPath('$.l.max()', d)).toBe(3);
    expect(evaluateJsonPath('$.l.sum()', d)).toBe(6);
    expect(evaluateJsonPath('$.l.avg()', d)).toBe(2);
    expect(evaluateJsonPath('$.o.keys()', d)).toEqual(['a', 'b']);
    expect(evaluateJsonPath('$.l.first()', d)).toBe(3);
    expect(evaluateJsonPath('$.l[*].length()', d)).toBe(3);
    expect(isReferencePath('$.l.length()')).toBe(false);
    expect(isValidJsonPath('$.l.length()')).toBe(true);
  });
  it('fails on an empty aggregate or a missing base', () => {
    expect(lookupJsonPath('$.e.max()', d).ok).toBe(false);
    expect(lookupJsonPath('$.nope.length()', d)).toEqual({ ok: false, reason: "No results for path: $['nope']" });
  });
});
