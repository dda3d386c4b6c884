/**
 * A minimal MIME reader for received mail (RFC 5322 headers with folding, RFC 2047 encoded words, RFC 2045
 * base64 / quoted-printable, RFC 2046 multipart). It extracts what a workflow needs — the plain text, the
 * headers and the attachments' names, types and decoded sizes — not a full mail model (no mailparser here).
 */

export interface MailAttachment {
  filename: string | null;
  contentType: string;
  size: number;
}

export interface ParsedMail {
  headers: Record<string, string | string[]>;
  subject: string;
  /** The first text/plain part that is not an attachment ('' when there is none). */
  text: string;
  /** The first text/html part, when present. */
  html?: string;
  attachments: MailAttachment[];
}

interface Part {
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Splits a raw entity into unfolded headers (lower-case names; repeated ones become arrays) and its body. */
function splitEntity(raw: Buffer): Part {
  const text = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const body = m ? raw.subarray(m.index + m[0].length) : Buffer.alloc(0);
  // Header names are sender-chosen: a prototype-free map keeps `constructor` or `__proto__` plain names.
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    // Header bytes arrive as latin1 here; re-read them as UTF-8 (RFC 6532 allows raw UTF-8 headers).
    const value = decodeWords(Buffer.from(line.slice(i + 1).trim(), 'latin1').toString('utf8'));
    const prev = Object.hasOwn(headers, name) ? headers[name] : undefined;
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return { headers, body };
}

function charsetDecode(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047 `=?charset?B|Q?text?=` words (adjacent encoded words join without the space between them). */
export function decodeWords(value: string): string {
  return value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1').replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_, cs: string, enc: string, data: string) => {
    const bytes = enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return charsetDecode(bytes, cs);
  });
}

/** Splits at `;` outside double quotes in one linear pass (a lookahead regex is quadratic on hostile headers). */
function splitOutsideQuotes(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/** `type/subtype; a=b; c="d"` → the lower-case type and its parameters (RFC 2231 `name*=utf-8''x` included). */
export function parseParams(value: string | undefined): { value: string; params: Record<string, string> } {
  const [first = '', ...rest] = splitOutsideQuotes(value ?? '');
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i < 0) continue;
    let key = p.slice(0, i).trim().toLowerCase();
    let v = p.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
    if (key.endsWith('*')) {
      key = key.slice(0, -1);
      const m = /^([^']*)'[^']*'(.*)$/.exec(v);
      if (m) v = charsetDecode(Buffer.from(m[2]!.replace(/%([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1'), m[1] || 'utf-8');
    }
    params[key] = v;
  }
  return { value: first.trim().toLowerCase(), params };
}

const header = (h: Record<string, string | string[]>, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The transfer-decoded body bytes. */
function decodeBody(part: Part): Buffer {
  const cte = (header(part.headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  if (cte === 'base64') return Buffer.from(part.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (cte === 'quoted-printable') {
    const s = part.body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(s.replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  return part.body;
}

/** Parses a raw RFC 5322 message. */
export function parseMail(raw: Buffer): ParsedMail {
  const root = splitEntity(raw);
  const out: ParsedMail = { headers: root.headers, subject: header(root.headers, 'subject') ?? '', text: '', attachments: [] };
  let textFound = false;
  const visit = (part: Part, depth: number): void => {
    const type = parseParams(header(part.headers, 'content-type') ?? 'text/plain');
    if (type.value.startsWith('multipart/') && type.params['boundary'] && depth < 20) {
      for (const child of splitMultipart(part.body, type.params['boundary'])) visit(splitEntity(child), depth + 1);
      return;
    }
    const disp = parseParams(header(part.headers, 'content-disposition'));
    const filename = disp.params['filename'] ?? type.params['name'] ?? null;
    const body = decodeBody(part);
    const isText = type.value === 'text/plain' || type.value === 'text/html';
    if (disp.value === 'attachment' || (filename !== null && !isText) || (!isText && !type.value.startsWith('multipart/'))) {
      out.attachments.push({ filename: filename === null ? null : decodeWords(filename), contentType: type.value, size: body.length });
      return;
    }
    // SMTP carries CRLF line ends; workflows get the text with plain \n (as mailparser gives it).
    const text = charsetDecode(body, type.params['charset'] ?? 'utf-8').replace(/\r\n/g, '\n');
    if (type.value === 'text/plain' && !textFound) {
      out.text = text;
      textFound = true;
    } else if (type.value === 'text/html' && out.html === undefined) {
      out.html = text;
    }
  };
  visit(root, 0);
  return out;
}

/** The body parts between `--boundary` delimiter lines (preamble and epilogue dropped). */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delim = `--${boundary}`;
  const parts: Buffer[] = [];
  let pos = text.startsWith(delim) ? 0 : text.indexOf(`\n${delim}`);
  while (pos >= 0) {
    const start = text.indexOf('\n', pos + (text[pos] === '\n' ? 1 : 0));
    if (start < 0) break;
    if (text.startsWith(`${delim}--`, pos + (text[pos] === '\n' ? 1 : 0))) break;
    const next = text.indexOf(`\n${delim}`, start);
    const end = next < 0 ? text.length : next;
    parts.push(body.subarray(start + 1, text[end - 1] === '\r' ? end - 1 : end));
    pos = next;
  }
  return parts;
}
