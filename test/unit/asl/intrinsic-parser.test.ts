import { describe, expect, it } from 'vitest';
import {
  checkIntrinsicArity, INTRINSIC_ARITY, isIntrinsicCall, IntrinsicSyntaxError, parseIntrinsic,
} from '../../../src/asl/intrinsic-parser.js';

describe('parseIntrinsic', () => {
  it('parses every argument kind', () => {
    expect(parseIntrinsic("States.Format('a{}b', $.x, $$.Execution.Id, $myVar.f, 1.5, -2, true, false, null)")).toEqual({
      name: 'States.Format',
      args: [
        { kind: 'string', value: 'a{}b', raw: 'a{}b' },
        { kind: 'path', path: '$.x' },
        { kind: 'path', path: '$$.Execution.Id' },
        { kind: 'path', path: '$myVar.f' },
        { kind: 'number', value: 1.5 },
        { kind: 'number', value: -2 },
        { kind: 'boolean', value: true },
        { kind: 'boolean', value: false },
        { kind: 'null' },
      ],
    });
  });

  it('parses nested calls and empty argument lists', () => {
    const c = parseIntrinsic("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.UUID())");
    expect(c.args[0]).toEqual({
      kind: 'call',
      call: { name: 'States.StringSplit', args: [{ kind: 'path', path: '$$.StateMachine.Name' }, { kind: 'string', value: '-', raw: '-' }] },
    });
    expect(c.args[1]).toEqual({ kind: 'call', call: { name: 'States.UUID', args: [] } });
  });

  it('unescapes the reserved characters but keeps the raw text', () => {
    const c = parseIntrinsic("States.Format('it\\'s \\{literal\\} \\\\ {}', 1)");
    expect(c.args[0]).toEqual({ kind: 'string', value: "it's {literal} \\ {}", raw: "it\\'s \\{literal\\} \\\\ {}" });
  });

  it('keeps commas and parentheses inside strings and path brackets', () => {
    const c = parseIntrinsic("States.Array('a,b)', $['k,)'], $.l[?(@.x == 1)])");
    expect(c.args).toEqual([
      { kind: 'string', value: 'a,b)', raw: 'a,b)' },
      { kind: 'path', path: "$['k,)']" },
      { kind: 'path', path: '$.l[?(@.x == 1)]' },
    ]);
  });

  it('rejects bad syntax', () => {
    for (const bad of ['States.Format(', "States.Format('x)", 'States.Array(1 2)', 'Foo.Bar()', 'States.Array(1))', 'States.Array(bogus)']) {
      expect(() => parseIntrinsic(bad), bad).toThrow(IntrinsicSyntaxError);
    }
  });
});

describe('isIntrinsicCall and arity', () => {
  it('recognises calls', () => {
    expect(isIntrinsicCall('States.UUID()')).toBe(true);
    expect(isIntrinsicCall('$.x')).toBe(false);
    expect(isIntrinsicCall('States.Foo')).toBe(false);
  });
  it('has the 18 functions and checks arity', () => {
    expect(Object.keys(INTRINSIC_ARITY)).toHaveLength(18);
    expect(checkIntrinsicArity(parseIntrinsic('States.MathAdd(1)'))).toMatch(/expects 2/);
    expect(checkIntrinsicArity(parseIntrinsic('States.MathRandom(1, 2, 3)'))).toBeUndefined();
    expect(checkIntrinsicArity(parseIntrinsic('States.Array(States.Nope())'))).toMatch(/Unknown/);
    expect(checkIntrinsicArity(parseIntrinsic("States.Format('x')"))).toBeUndefined();
  });
});
