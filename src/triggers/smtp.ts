/**
 * The optional SMTP listener (issue 8, item 6; `asl serve --smtp-port N`): every received mail becomes one bus
 * event `{ source: "smtp", "detail-type": "Email Received", detail }`, so an event rule can start a workflow on
 * mail. It binds to 127.0.0.1 unless told otherwise and asks for no authentication (a local drop box, not a
 * relay); the mail is acknowledged (250) only after the event was put, so a failed put makes the client retry.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Json } from '../util/json.js';
import { parseMail } from './smtp-mime.js';

/** The port onto the event bus (the event-rules worker's "put event"; main.ts connects it). */
export type PutEvent = (e: { source: string; 'detail-type': string; detail: Json }) => Promise<void> | void;

export interface SmtpOptions {
  port: number;
  host?: string;
  putEvent: PutEvent;
  log?: (line: string) => void;
  /** Largest accepted message in bytes (default 10 MiB); larger ones are refused with 552. */
  maxSize?: number;
}

export interface SmtpListener {
  port: number;
  host: string;
  close(): Promise<void>;
}

const address = (a: SMTPServerAddress | false): string | null => (a ? a.address : null);

/** The plain address in a From header (`"Alice" <alice@example.com>` → alice@example.com). */
function headerAddress(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  return /<([^>]+)>/.exec(v)?.[1]?.trim() ?? (v.trim() || null);
}

/** EventBridge takes at most 256 KB per PutEvents call: long bodies are cut to fit (marked `truncated`). */
const MAX_DETAIL_BYTES = 200_000;
const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/** The event detail of one received mail. */
export function mailDetail(raw: Buffer, session: Pick<SMTPServerSession, 'envelope' | 'remoteAddress'>): Json {
  const mail = parseMail(raw);
  const detail = {
    from: headerAddress(mail.headers['from']) ?? address(session.envelope.mailFrom),
    // The envelope recipients: what the client actually delivered to (Bcc included, unlike the To header).
    to: session.envelope.rcptTo.map((r) => r.address),
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    headers: mail.headers,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
    envelope: { mailFrom: address(session.envelope.mailFrom), remoteAddress: session.remoteAddress },
    size: raw.length,
  };
  let over = jsonBytes(detail) - MAX_DETAIL_BYTES;
  if (over <= 0) return detail;
  const { html: _dropped, ...rest } = detail as typeof detail & { html?: string };
  over = jsonBytes(rest) - MAX_DETAIL_BYTES;
  // Every character cut takes at least one byte off the JSON text.
  return { ...rest, ...(over > 0 ? { text: rest.text.slice(0, Math.max(0, rest.text.length - over)) } : {}), truncated: true };
}

/** Starts the listener; resolves once it accepts connections (port 0 picks a free port). */
export async function startSmtpListener(opts: SmtpOptions): Promise<SmtpListener> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  const maxSize = opts.maxSize ?? 10 * 1024 * 1024;
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) log(`smtp: listening on ${host} without authentication: anyone who can reach it can start workflows`);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: maxSize,
    logger: false,
    banner: 'asl workflow service',
    // close() waits this long for open sessions before cutting them (the default is 30 s).
    closeTimeout: 2000,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => { if (!stream.sizeExceeded) chunks.push(c); });
      stream.on('error', (e: Error) => callback(e));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          const err = Object.assign(new Error(`Message exceeds the fixed maximum message size of ${maxSize} bytes`), { responseCode: 552 });
          callback(err);
          return;
        }
        void (async () => {
          try {
            const detail = mailDetail(Buffer.concat(chunks), session);
            await opts.putEvent({ source: 'smtp', 'detail-type': 'Email Received', detail });
            callback(null, 'Message accepted');
          } catch (e) {
            log(`smtp: could not put the mail event: ${(e as Error).message}`);
            callback(Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 }));
          }
        })();
      });
    },
  });
  server.on('error', (e: Error) => log(`smtp: ${e.message}`));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log(`smtp: listening on ${host}:${port}`);
  return {
    port, host,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
