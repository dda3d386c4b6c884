/**
 * Parser for ASL intrinsic function calls (`States.Format('x={}', $.x)`), JSONPath mode.
 *
 * Grammar (AWS "Intrinsic functions" docs): `States.Name(arg, ...)` where an argument is a single-quoted string
 * literal (the reserved characters `' { } \` are escaped with a backslash), a number, `true`/`false`/`null`, a
 * path (`$.x` on the effective input, `$$.x` on the Context object, `$name.x` on a workflow variable) or a
 * nested intrinsic call. Used by the engine to evaluate and by the validator for syntax/arity checks.
 */

/** A parsed intrinsic argument: a discriminated union on `kind`. */
export type IntrinsicArg =
  /** `value` is the unescaped text; `raw` is the text between the quotes (States.Format needs the escapes). */
  | { kind: 'string'; value: string; raw: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  /** `path` as written: `$.a`, `$$.Execution.Id`, `$myVar.field`, `$`. */
  | { kind: 'path'; path: string }
  | { kind: 'call'; call: IntrinsicCall };

/** A parsed intrinsic function call. `name` includes the `States.` prefix. */
export interface IntrinsicCall {
  name: string;
  args: IntrinsicArg[];
}

/** Thrown on malformed intrinsic syntax; `message` says what is wrong and where. */
export class IntrinsicSyntaxError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicSyntaxError';
  }
}

const ANY = Number.POSITIVE_INFINITY;

/** The 18 AWS intrinsic functions and their argument counts (AWS docs, "Intrinsic functions"). */
export const INTRINSIC_ARITY: Record<string, { min: number; max: number }> = {
  'States.Format': { min: 1, max: ANY },
  'States.StringToJson': { min: 1, max: 1 },
  'States.JsonToString': { min: 1, max: 1 },
  'States.Array': { min: 0, max: ANY },
  'States.ArrayPartition': { min: 2, max: 2 },
  'States.ArrayContains': { min: 2, max: 2 },
  'States.ArrayRange': { min: 3, max: 3 },
  'States.ArrayGetItem': { min: 2, max: 2 },
  'States.ArrayLength': { min: 1, max: 1 },
  'States.ArrayUnique': { min: 1, max: 1 },
  'States.Base64Encode': { min: 1, max: 1 },
  'States.Base64Decode': { min: 1, max: 1 },
  'States.Hash': { min: 2, max: 2 },
  'States.JsonMerge': { min: 3, max: 3 },
  'States.MathRandom': { min: 2, max: 3 },
  'States.MathAdd': { min: 2, max: 2 },
  'States.StringSplit': { min: 2, max: 2 },
  'States.UUID': { min: 0, max: 0 },
};

const cache = new Map<string, IntrinsicCall>();

/** True when the text looks like an intrinsic call (`States.X(` ... `)`); syntax is not fully checked. */
export function isIntrinsicCall(text: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(text) && text.trimEnd().endsWith(')');
}

/** Parses an intrinsic call (cached). Throws IntrinsicSyntaxError on bad syntax; arity is NOT checked here. */
export function parseIntrinsic(text: string): IntrinsicCall {
  const hit = cache.get(text);
  if (hit) return hit;
  const p = new Parser(text);
  p.skipWs();
  const call = p.call();
  p.skipWs();
  if (!p.done()) p.fail('unexpected trailing characters');
  if (cache.size > 10_000) cache.clear();
  cache.set(text, call);
  return call;
}

/** Arity problem of a call tree (first found), or undefined when every call is known and well-formed. */
export function checkIntrinsicArity(call: IntrinsicCall): string | undefined {
  const spec = INTRINSIC_ARITY[call.name];
  if (!spec) return `Unknown intrinsic function '${call.name}'`;
  const n = call.args.length;
  if (n < spec.min || n > spec.max) {
    const want = spec.min === spec.max ? `${spec.min}` : spec.max === ANY ? `at least ${spec.min}` : `${spec.min} to ${spec.max}`;
    return `${call.name} expects ${want} argument(s) but got ${n}`;
  }
  for (const a of call.args) {
    if (a.kind === 'call') {
      const inner = checkIntrinsicArity(a.call);
      if (inner) return inner;
    }
  }
  return undefined;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }
  fail(what: string): never {
    throw new IntrinsicSyntaxError(`Invalid intrinsic function '${this.s}': ${what} at position ${this.i}`);
  }
  skipWs(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  call(): IntrinsicCall {
    const m = /^States\.[A-Za-z0-9]+/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a function name States.<Name>');
    const name = m[0];
    this.i += name.length;
    this.skipWs();
    if (this.s[this.i] !== '(') this.fail("expected '('");
    this.i++;
    const args: IntrinsicArg[] = [];
    this.skipWs();
    if (this.s[this.i] === ')') {
      this.i++;
      return { name, args };
    }
    for (;;) {
      this.skipWs();
      args.push(this.arg());
      this.skipWs();
      const c = this.s[this.i];
      if (c === ',') { this.i++; continue; }
      if (c === ')') { this.i++; return { name, args }; }
      this.fail("expected ',' or ')'");
    }
  }

  private arg(): IntrinsicArg {
    const c = this.s[this.i];
    if (c === undefined) this.fail('unexpected end of input');
    if (c === "'") return this.string();
    if (c === '$') return { kind: 'path', path: this.path() };
    if (this.s.startsWith('States.', this.i)) return { kind: 'call', call: this.call() };
    const word = /^(?:true|false|null)(?![A-Za-z0-9_])/.exec(this.s.slice(this.i));
    if (word) {
      this.i += word[0].length;
      if (word[0] === 'null') return { kind: 'null' };
      return { kind: 'boolean', value: word[0] === 'true' };
    }
    const num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return { kind: 'number', value: Number(num[0]) };
    }
    return this.fail('unexpected character');
  }

  private string(): IntrinsicArg {
    const start = ++this.i;
    let value = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '\\') {
        const next = this.s[this.i + 1];
        if (next === undefined) break;
        // AWS: only the reserved characters are escapable; any other backslash stays literal.
        value += next === "'" || next === '{' || next === '}' || next === '\\' ? next : c + next;
        this.i += 2;
        continue;
      }
      if (c === "'") {
        const raw = this.s.slice(start, this.i);
        this.i++;
        return { kind: 'string', value, raw };
      }
      value += c;
      this.i++;
    }
    return this.fail('unterminated string literal');
  }

  /** A path runs to the next top-level ',' or ')' (brackets and quotes inside filters are respected). */
  private path(): string {
    const start = this.i;
    let depth = 0;
    let quote: string | undefined;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (quote) {
        if (c === '\\') this.i++;
        else if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || (c === ')' && depth > 0)) depth--;
      else if (depth === 0 && (c === ',' || c === ')')) break;
      this.i++;
    }
    const path = this.s.slice(start, this.i).trim();
    if (quote || depth !== 0) this.fail('unterminated path');
    return path;
  }
}
