/**
 * Definition text → object, with AWS's diagnostics for text that is not a JSON object.
 *
 * AWS parses definitions with Jackson (`ObjectMapper.readTree`), so a syntax error is reported as
 * INVALID_JSON_DESCRIPTION with Jackson's wording and `[Source: (String)"…"; line: L, column: C]` location,
 * e.g. `Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or
 * 'false')`. JSON.parse does the parsing; `jsonSyntaxError` only runs when it fails, to find where and why in
 * Jackson's terms. Like readTree, content after the first complete value is ignored.
 */
import type { Diagnostic, StateMachineDefinition } from './types.js';
import { Code, error, schemaError } from './diagnostics.js';

export interface ParseResult {
  definition?: StateMachineDefinition;
  diagnostics: Diagnostic[];
}

/** A Jackson-style syntax error: `message` already ends with `\n at <location>`, as Jackson prints it. */
export interface JsonSyntaxError {
  message: string;
  location: string;
  /** The message without the trailing location (what AWS shows for execution input). */
  reason: string;
}

/** Parses definition text; never throws, whatever the input. */
export function parseDefinition(text: string): ParseResult {
  if (typeof text !== 'string' || text.trim() === '') {
    return { diagnostics: [error(Code.Schema, 'Definition must be a valid JSON object')] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const err = jsonSyntaxError(text);
    if (err) return { diagnostics: [error(Code.InvalidJson, err.message, err.location)] };
    // Jackson stops after the first value: parse exactly that prefix.
    value = JSON.parse(text.slice(0, firstValueEnd(text)));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { diagnostics: [error(Code.Schema, 'Definition must be a valid JSON object')] };
  }
  const obj = value as Record<string, unknown>;
  const missing = ['States', 'StartAt'].filter((k) => !Object.prototype.hasOwnProperty.call(obj, k));
  const diagnostics = missing.length > 0 ? [schemaError(`These fields are required: [${missing.join(', ')}]`, '/')] : [];
  return { definition: value as StateMachineDefinition, diagnostics };
}

const VALUE_LIST = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/** Jackson's description of a character: `'x' (code 120)`, `(CTRL-CHAR, code 10)`. */
function charDesc(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 32) return `(CTRL-CHAR, code ${code})`;
  if (code > 255) return `'${c}' (code ${code} / 0x${code.toString(16)})`;
  return `'${c}' (code ${code})`;
}

/** Jackson's `[Source: (String)"…"; line: L, column: C]` for a 0-based offset (content cut at 500 chars). */
export function jacksonLocation(text: string, offset: number): string {
  let line = 1;
  let rowStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      rowStart = i + 1;
    }
  }
  const source = text.length > 500 ? `"${text.slice(0, 500)}"[truncated ${text.length - 500} chars]` : `"${text}"`;
  return `[Source: (String)${source}; line: ${line}, column: ${offset - rowStart + 1}]`;
}

class Fail {
  constructor(readonly reason: string, readonly offset: number) {}
}

/** Why and where Jackson would reject the text, or undefined when its first JSON value is well-formed. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scanValue(text, skipWs(text, 0));
    return undefined;
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const location = jacksonLocation(text, e.offset);
    return { message: `${e.reason}\n at ${location}`, location, reason: e.reason };
  }
}

function firstValueEnd(text: string): number {
  return scanValue(text, skipWs(text, 0));
}

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  return i;
}

const unexpected = (s: string, i: number, why: string): Fail => new Fail(`Unexpected character (${charDesc(s[i]!)}): ${why}`, i + 1);

/** The identifier-like token Jackson quotes in "Unrecognized token" (it keeps reading identifier chars). */
function badToken(s: string, i: number): Fail {
  let j = i + 1;
  while (j < s.length && /[\p{L}\p{N}_$]/u.test(s[j]!)) j++;
  return new Fail(`Unrecognized token '${s.slice(i, j)}': was expecting ${VALUE_LIST}`, j);
}

/**
 * Scans one JSON value from `start` and returns the offset after it; throws Fail with Jackson's wording.
 * Iterative (an explicit stack of open containers), so 10,000-deep nesting cannot overflow the call stack.
 */
function scanValue(s: string, start: number): number {
  const open: { kind: 'OBJECT' | 'ARRAY'; at: number }[] = [];
  let i = start;
  let expectName = false;
  for (;;) {
    i = skipWs(s, i);
    if (expectName) {
      if (i >= s.length) throw eofInContainer(s, open);
      if (s[i] !== '"') throw unexpected(s, i, 'was expecting double-quote to start field name');
      i = scanString(s, i, 'name');
      i = skipWs(s, i);
      if (i >= s.length) throw eofInContainer(s, open);
      if (s[i] !== ':') throw unexpected(s, i, 'was expecting a colon to separate field name and value');
      i = skipWs(s, i + 1);
      expectName = false;
    }
    if (i >= s.length) throw open.length > 0 ? eofInContainer(s, open) : new Fail(`Unexpected end-of-input`, i);
    const c = s[i]!;
    if (c === '{' || c === '[') {
      open.push({ kind: c === '{' ? 'OBJECT' : 'ARRAY', at: i });
      const j = skipWs(s, i + 1);
      if (s[j] === (c === '{' ? '}' : ']')) {
        open.pop();
        i = j + 1;
      } else {
        i = j;
        expectName = c === '{';
        continue;
      }
    } else if (c === '"') i = scanString(s, i, 'value');
    else if (c === '-' || (c >= '0' && c <= '9')) i = scanNumber(s, i);
    else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      if (!s.startsWith(word, i) || /[\p{L}\p{N}_$]/u.test(s[i + word.length] ?? ' ')) throw badToken(s, i);
      i += word.length;
    } else if (/[\p{L}_$]/u.test(c)) throw badToken(s, i);
    else if ((c === ']' || c === '}') && open.length > 0) throw closeMismatch(s, i, open);
    else throw unexpected(s, i, `expected a valid value ${VALUE_LIST}`);
    // After a complete value: close containers or continue with the next element.
    for (;;) {
      const top = open[open.length - 1];
      if (!top) return i;
      i = skipWs(s, i);
      if (i >= s.length) throw eofInContainer(s, open);
      const close = top.kind === 'OBJECT' ? '}' : ']';
      if (s[i] === close) {
        open.pop();
        i++;
        continue;
      }
      if (s[i] === ',') {
        i++;
        expectName = top.kind === 'OBJECT';
        break;
      }
      if (s[i] === '}' || s[i] === ']') throw closeMismatch(s, i, open);
      throw unexpected(s, i, `was expecting comma to separate ${top.kind === 'OBJECT' ? 'Object' : 'Array'} entries`);
    }
  }
}

function eofInContainer(s: string, open: { kind: string; at: number }[]): Fail {
  const top = open[open.length - 1]!;
  return new Fail(`Unexpected end-of-input: expected close marker for ${top.kind} (start marker at ${jacksonLocation(s, top.at)})`, s.length);
}

function closeMismatch(s: string, i: number, open: { kind: string; at: number }[]): Fail {
  const top = open[open.length - 1]!;
  const want = top.kind === 'OBJECT' ? "'}'" : "']'";
  const what = top.kind === 'OBJECT' ? 'Object' : 'Array';
  return new Fail(`Unexpected close marker '${s[i]}': expected ${want} (for ${what} starting at ${jacksonLocation(s, top.at)})`, i + 1);
}

function scanString(s: string, start: number, what: 'name' | 'value'): number {
  let i = start + 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c < 32) throw new Fail(`Illegal unquoted character (${charDesc(s[i]!)}): has to be escaped using backslash to be included in ${what === 'name' ? 'name' : 'string value'}`, i + 1);
    if (c === 92) {
      const e = s[i + 1];
      if (e === undefined) break;
      if (e === 'u') {
        for (let k = 2; k < 6; k++) {
          const h = s[i + k];
          if (h === undefined) return eofString(s, what);
          if (!/[0-9a-fA-F]/.test(h)) throw unexpected(s, i + k, 'expected a hex-digit for character escape sequence');
        }
        i += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(e)) throw new Fail(`Unrecognized character escape ${charDesc(e)}`, i + 2);
      i += 2;
      continue;
    }
    i++;
  }
  return eofString(s, what);
}

function eofString(s: string, what: 'name' | 'value'): never {
  throw new Fail(what === 'name' ? 'Unexpected end-of-input in field name' : 'Unexpected end-of-input: was expecting closing quote for a string value', s.length);
}

function scanNumber(s: string, start: number): number {
  let i = start;
  const digits = (): number => {
    const from = i;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    return i - from;
  };
  if (s[i] === '-') {
    i++;
    if (!(s[i]! >= '0' && s[i]! <= '9')) {
      if (i >= s.length) throw new Fail('Unexpected end-of-input in a Number value', i);
      throw new Fail(`Unexpected character (${charDesc(s[i]!)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`, i + 1);
    }
  }
  if (s[i] === '0' && s[i + 1]! >= '0' && s[i + 1]! <= '9') throw new Fail('Invalid numeric value: Leading zeroes not allowed', i + 2);
  digits();
  if (s[i] === '.') {
    i++;
    if (digits() === 0) {
      if (i >= s.length) throw new Fail('Unexpected end-of-input in a Number value', i);
      throw new Fail(`Unexpected character (${charDesc(s[i]!)}) in numeric value: Decimal point not followed by a digit`, i + 1);
    }
  }
  if (s[i] === 'e' || s[i] === 'E') {
    i++;
    if (s[i] === '+' || s[i] === '-') i++;
    if (digits() === 0) {
      if (i >= s.length) throw new Fail('Unexpected end-of-input in a Number value', i);
      throw new Fail(`Unexpected character (${charDesc(s[i]!)}) in numeric value: Exponent indicator not followed by a digit`, i + 1);
    }
  }
  return i;
}
