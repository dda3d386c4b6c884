/**
 * Syntax of JSONPath-mode values: Paths, Reference Paths and intrinsic function calls.
 *
 * ASL: a Path starts with `$` (the effective input), `$$` (the Context object) or `$name` (a workflow
 * variable). A Reference Path addresses a single node: only `.name`, `['name']` and `[index]` steps — no `*`,
 * `..`, filters, unions or slices. Intrinsics are parsed by `intrinsic-parser.ts`; on top of it AWS only
 * lets `\'`, `\{`, `\}` and `\\` be escaped inside a string literal (`'\"'` is refused at CreateStateMachine).
 */
import { checkIntrinsicArity, parseIntrinsic, type IntrinsicCall } from './intrinsic-parser.js';

/** Why the text is not a Reference Path, or undefined when it is one. */
export function referencePathProblem(text: string): string | undefined {
  const root = /^\$(\$|[\p{L}_][\p{L}\p{N}_]*)?/u.exec(text);
  if (!root) return "Reference path didn't start with '$'";
  let i = root[0].length;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      if (text[i + 1] === '.') return "Reference path can't contain '..'";
      const m = /^[^.[\]*?@()'"\s]+/u.exec(text.slice(i + 1));
      if (!m) return text[i + 1] === '*' ? "Reference path can't contain '*'" : `Invalid path component at position ${i}`;
      i += 1 + m[0].length;
    } else if (c === '[') {
      const m = /^\[(?:\d+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]/.exec(text.slice(i));
      if (!m) return `Reference path can only use a name or an index in brackets (position ${i})`;
      i += m[0].length;
    } else {
      return `Invalid character '${c}' at position ${i}`;
    }
  }
  return undefined;
}

/**
 * True when the text is a JSONPath AWS accepts where a Path (not a Reference Path) is allowed: a `$`, `$$` or
 * `$name` root, then steps with balanced brackets, parentheses and quotes.
 */
export function isValidPath(text: string): boolean {
  if (referencePathProblem(text) === undefined) return true;
  const root = /^\$(\$|[\p{L}_][\p{L}\p{N}_]*)?/u.exec(text);
  if (!root) return false;
  const rest = text.slice(root[0].length);
  if (rest !== '' && rest[0] !== '.' && rest[0] !== '[') return false;
  if (/\.$/.test(rest) || /\.\.\.|\[\]/.test(rest)) return false;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      if (--depth < 0) return false;
    }
  }
  return depth === 0 && quote === undefined;
}

/** Intrinsic nesting beyond this is refused before parsing (the parser recurses per nested call). */
const MAX_INTRINSIC_NESTING = 64;

/** Why the text is not a valid intrinsic function call, or undefined when it is one. */
export function intrinsicProblem(text: string): string | undefined {
  if (!/^\s*States\./.test(text)) return 'not an intrinsic function call';
  let depth = 0;
  for (const c of text) if (c === '(' && ++depth > MAX_INTRINSIC_NESTING) return 'intrinsic calls are nested too deeply';
  let call: IntrinsicCall;
  try {
    call = parseIntrinsic(text);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const arity = checkIntrinsicArity(call);
  if (arity) return arity;
  const stack: IntrinsicCall[] = [call];
  while (stack.length > 0) {
    const c = stack.pop()!;
    for (const a of c.args) {
      if (a.kind === 'call') stack.push(a.call);
      else if (a.kind === 'path' && !isValidPath(a.path)) return `invalid path argument '${a.path}'`;
      else if (a.kind === 'string' && /\\(?!['{}\\])/.test(a.raw.replace(/\\\\/g, ''))) {
        return `illegal escape sequence in '${a.raw}'`;
      }
    }
  }
  return undefined;
}

/** A `.$` value: a Path or an intrinsic function call (ASL "Payload Template"). */
export function isPathOrIntrinsic(text: string): boolean {
  return text.startsWith('$') ? isValidPath(text) : intrinsicProblem(text) === undefined;
}
