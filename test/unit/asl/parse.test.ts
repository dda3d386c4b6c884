/** parseDefinition: JSON text → object, with AWS's (Jackson's) wording for text that is not a JSON object. */
import { describe, expect, it } from 'vitest';
import { jacksonLocation, jsonSyntaxError, parseDefinition } from '../../../src/asl/parse.js';

const only = (text: string) => {
  const r = parseDefinition(text);
  expect(r.diagnostics).toHaveLength(1);
  return r.diagnostics[0]!;
};

describe('parseDefinition', () => {
  it('returns the definition and no diagnostics for a valid object', () => {
    const r = parseDefinition('{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}');
    expect(r.diagnostics).toEqual([]);
    expect(r.definition?.StartAt).toBe('A');
  });

  it('reports non-JSON as INVALID_JSON_DESCRIPTION in Jackson wording (AWS recorded example)', () => {
    expect(only('not a definition')).toEqual({
      severity: 'ERROR',
      code: 'INVALID_JSON_DESCRIPTION',
      location: '[Source: (String)"not a definition"; line: 1, column: 4]',
      message:
        "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]",
    });
  });

  it('reports blank text without a location', () => {
    expect(only(' ')).toEqual({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object' });
    expect(only('')).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object' });
  });

  it.each(['[]', '1', '"text"', 'null', 'true'])('refuses the non-object JSON value %s', (text) => {
    expect(only(text)).toEqual({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object' });
  });

  it('lists missing top-level fields in AWS order', () => {
    expect(only('{}')).toEqual({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', location: '/', message: 'These fields are required: [States, StartAt]' });
    expect(only('{"States":{}}').message).toBe('These fields are required: [StartAt]');
  });

  it('ignores content after the first JSON value, as Jackson readTree does', () => {
    const r = parseDefinition('{"StartAt":"A","States":{}} trailing junk');
    expect(r.diagnostics).toEqual([]);
    expect(r.definition?.StartAt).toBe('A');
  });

  it('keeps __proto__ and constructor as plain own keys', () => {
    const r = parseDefinition('{"StartAt":"A","States":{"__proto__":{"Type":"Pass"}},"constructor":1}');
    const states = r.definition!.States as object;
    expect(Object.prototype.hasOwnProperty.call(states, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(states)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['Type']).toBeUndefined();
  });
});

describe('jsonSyntaxError (Jackson messages)', () => {
  const reason = (text: string) => jsonSyntaxError(text)?.reason;

  it('describes common faults like Jackson', () => {
    expect(reason("{'a':1}")).toBe("Unexpected character (''' (code 39)): was expecting double-quote to start field name");
    expect(reason('{"a" 1}')).toBe("Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value");
    expect(reason('{"a":1 "b":2}')).toBe("Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries");
    expect(reason('[1 2]')).toBe("Unexpected character ('2' (code 50)): was expecting comma to separate Array entries");
    expect(reason('{"a":1,}')).toBe("Unexpected character ('}' (code 125)): was expecting double-quote to start field name");
    expect(reason('{"a":tru}')).toBe("Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
    expect(reason('{"a":"x\\q"}')).toBe("Unrecognized character escape 'q' (code 113)");
    expect(reason('{"a":"x\ny"}')).toBe('Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value');
    expect(reason('{"a":01}')).toBe('Invalid numeric value: Leading zeroes not allowed');
    expect(reason('{"a":"abc')).toBe('Unexpected end-of-input: was expecting closing quote for a string value');
    expect(reason('[1}')).toBe("Unexpected close marker '}': expected ']' (for Array starting at [Source: (String)\"[1}\"; line: 1, column: 1])");
  });

  it('reports an unclosed object with its start marker', () => {
    expect(reason('{"a":')).toBe('Unexpected end-of-input: expected close marker for OBJECT (start marker at [Source: (String)"{"a":"; line: 1, column: 1])');
  });

  it('counts lines and columns as Jackson does', () => {
    const err = jsonSyntaxError('{\n  "a": x\n}');
    expect(err?.location).toBe('[Source: (String)"{\n  "a": x\n}"; line: 2, column: 9]');
    expect(err?.message).toBe(`${err?.reason}\n at ${err?.location}`);
  });

  it('truncates long sources at 500 characters', () => {
    const text = `{"a":"${'x'.repeat(600)}",}`;
    expect(jacksonLocation(text, 1)).toBe(`[Source: (String)"${text.slice(0, 500)}"[truncated ${text.length - 500} chars]; line: 1, column: 2]`);
  });

  it('returns undefined for well-formed JSON', () => {
    expect(jsonSyntaxError('{"a":[1,2.5e3,-0.1,true,null,"\\u00e9"]}')).toBeUndefined();
  });
});

describe('parseDefinition on hostile input', () => {
  it('survives 10,000-deep unclosed nesting without throwing', () => {
    const d = only('['.repeat(10_000));
    expect(d.code).toBe('INVALID_JSON_DESCRIPTION');
    expect(d.message).toContain('expected close marker for ARRAY');
  });

  it('handles lone surrogates and non-BMP characters', () => {
    const r = parseDefinition('{"StartAt":"\ud800","States":{"\udfff":{"Type":"Pass","End":true}}}');
    expect(r.definition?.StartAt).toBe('\ud800');
    expect(only('{"a":\ud83d}').message).toMatch(/^Unexpected character \('\ud83d' \(code 55357 \/ 0xd83d\)\)/);
  });

  it('never throws whatever the text', () => {
    for (const text of ['{', '}', '"', '\\', '{"a":-}', '{"a":1.}', '{"a":1e}', '\u0000', '{"a":"\\u12"}', 'nul', '-', '{"a":nulls}']) {
      const r = parseDefinition(text);
      expect(r.definition).toBeUndefined();
      expect(r.diagnostics[0]?.severity).toBe('ERROR');
    }
  });
});
