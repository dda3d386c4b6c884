/**
 * Reads request members the way the AWS service model constrains them. A member of the wrong JSON type is a
 * SerializationException (the request cannot be deserialised); a constraint violation is collected and all of
 * them are reported at once as one ValidationException in Coral's wording:
 * `1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have
 * value less than or equal to 1000`.
 */
import { ServiceError, validationError } from './errors.js';

interface StrRule {
  required?: boolean;
  min?: number;
  max?: number;
  /** Sensitive members (input, definition…) are not echoed in messages: `Value at 'input' failed…`. */
  sensitive?: boolean;
  enum?: readonly string[];
  /** SensitiveData (input/output) is limited in UTF-8 bytes, with its own wording. */
  maxBytes?: number;
}

export class Req {
  private readonly violations: string[] = [];
  constructor(readonly body: Record<string, unknown>) {}

  private bad(name: string, value: unknown, constraint: string, sensitive = false): void {
    const shown = value === undefined || value === null ? 'Value null' : sensitive ? 'Value' : `Value '${String(value)}'`;
    this.violations.push(`${shown} at '${name}' failed to satisfy constraint: ${constraint}`);
  }

  private raw(name: string): unknown {
    const v = this.body[name];
    return v === null ? undefined : v;
  }

  str(name: string, rule: StrRule & { required: true }): string;
  str(name: string, rule?: StrRule): string | undefined;
  str(name: string, rule: StrRule = {}): string | undefined {
    const v = this.raw(name);
    if (v === undefined) {
      if (rule.required) this.bad(name, v, 'Member must not be null');
      return rule.required ? '' : undefined;
    }
    if (typeof v !== 'string') throw typeError(name, 'STRING');
    // Lengths are in code points (AWS counts a surrogate pair once); counted only when the UTF-16 length cannot
    // decide, since spreading a 256 KiB input into code points would allocate an array of 256 Ki strings.
    const len = (rule.min !== undefined && v.length < 2 * rule.min) || (rule.max !== undefined && v.length > rule.max)
      ? codePoints(v) : undefined;
    if (len !== undefined && rule.min !== undefined && len < rule.min) this.bad(name, v, `Member must have length greater than or equal to ${rule.min}`, rule.sensitive);
    if (len !== undefined && rule.max !== undefined && len > rule.max) this.bad(name, v, `Member must have length less than or equal to ${rule.max}`, rule.sensitive);
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so a short text needs no byte count.
    if (rule.maxBytes !== undefined && v.length * 3 > rule.maxBytes && Buffer.byteLength(v, 'utf8') > rule.maxBytes) {
      this.bad(name, v, `Member must have size less than or equal to ${rule.maxBytes} bytes in UTF-8 encoding`, rule.sensitive);
    }
    if (rule.enum && !rule.enum.includes(v)) this.bad(name, v, `Member must satisfy enum value set: [${rule.enum.join(', ')}]`);
    return v;
  }

  int(name: string, rule: { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(name, 'INTEGER');
    if (rule.min !== undefined && v < rule.min) this.bad(name, v, `Member must have value greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && v > rule.max) this.bad(name, v, `Member must have value less than or equal to ${rule.max}`);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw typeError(name, 'BOOLEAN');
    return v;
  }

  obj(name: string, required = false): Record<string, unknown> | undefined {
    const v = this.raw(name);
    if (v === undefined) {
      if (required) this.bad(name, v, 'Member must not be null');
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) throw typeError(name, 'STRUCTURE');
    return v as Record<string, unknown>;
  }

  arr(name: string, required = false): unknown[] | undefined {
    const v = this.raw(name);
    if (v === undefined) {
      if (required) this.bad(name, v, 'Member must not be null');
      return undefined;
    }
    if (!Array.isArray(v)) throw typeError(name, 'LIST');
    return v;
  }

  /** Records a custom violation of member `name`. */
  violation(name: string, value: unknown, constraint: string): void {
    this.bad(name, value, constraint);
  }

  /** Throws the collected ValidationException, if any. */
  check(): void {
    if (this.violations.length > 0) throw validationError(this.violations);
  }
}

/** Wraps a parsed request body (undefined or `{}` when the request had none). */
export function req(body: unknown): Req {
  if (body === undefined || body === null) return new Req({});
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return new Req(body as Record<string, unknown>);
}

function typeError(name: string, expected: string): ServiceError {
  return new ServiceError('SerializationException', `Unexpected value type for '${name}': expected ${expected}`);
}

/** Page size: 0 or absent means the default 100; above 1000 is a ValidationException. */
export function pageSize(r: Req): number {
  const n = r.int('maxResults', { min: 0, max: 1000 });
  return n === undefined || n === 0 ? 100 : n;
}

/** Opaque, stable page tokens: base64 of a cursor string. */
export const pageToken = {
  encode: (cursor: string) => Buffer.from(`v1|${cursor}`, 'utf8').toString('base64'),
  decode(token: string | undefined): string | undefined {
    if (token === undefined) return undefined;
    const text = Buffer.from(token, 'base64').toString('utf8');
    if (!text.startsWith('v1|')) throw new ServiceError('InvalidToken', `Invalid Token: '${token}'`);
    return text.slice(3);
  },
};

// botocore's name constraint: 1-80 chars, no whitespace, brackets, wildcards, punctuation or control chars.
const BAD_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff]/u;

/** True when `name` is a valid state machine / execution name. */
export function validName(name: string): boolean {
  const len = [...name].length;
  return len >= 1 && len <= 80 && !BAD_NAME.test(name) && !/[\ud800-\udfff]/.test(name.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));
}

/** The number of code points in `s` (a surrogate pair counts once). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
