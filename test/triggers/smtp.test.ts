/**
 * The SMTP listener: a real mail sent with nodemailer over SMTP becomes one `smtp` / `Email Received` bus event
 * with from, to, subject, text, headers and attachment names and sizes; the MIME reader handles encoded words,
 * quoted-printable and base64; oversized mail is refused; a failing put makes the server answer 451.
 */
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMail, parseParams } from '../../src/triggers/smtp-mime.js';
import { startSmtpListener, type PutEvent, type SmtpListener } from '../../src/triggers/smtp.js';

let listener: SmtpListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

type Event = Parameters<PutEvent>[0];

function transport(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
}

describe('smtp listener', () => {
  it('turns a received mail into an Email Received event', async () => {
    const events: Event[] = [];
    listener = await startSmtpListener({ port: 0, putEvent: (e) => void events.push(e) });
    expect(listener.host).toBe('127.0.0.1');
    const info = await transport(listener.port).sendMail({
      from: '"Alice Example" <alice@example.com>',
      to: 'orders@workflows.local',
      bcc: 'audit@workflows.local',
      subject: 'Order #42 — ünïcode',
      text: 'Please ship order 42.\nThanks!',
      html: '<p>Please ship order 42.</p>',
      headers: { 'X-Order-Id': '42' },
      attachments: [
        { filename: 'invoice.pdf', content: Buffer.alloc(1234, 7), contentType: 'application/pdf' },
        { filename: 'notes.txt', content: 'line one\nline two\n' },
      ],
    });
    expect(info.accepted).toEqual(['orders@workflows.local', 'audit@workflows.local']);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.source).toBe('smtp');
    expect(e['detail-type']).toBe('Email Received');
    const d = e.detail as Record<string, any>;
    expect(d).toMatchObject({
      from: 'alice@example.com',
      to: ['orders@workflows.local', 'audit@workflows.local'],
      subject: 'Order #42 — ünïcode',
      text: 'Please ship order 42.\nThanks!',
      html: '<p>Please ship order 42.</p>',
      attachments: [
        { filename: 'invoice.pdf', contentType: 'application/pdf', size: 1234 },
        { filename: 'notes.txt', contentType: 'text/plain', size: 18 },
      ],
    });
    expect(d['headers']['x-order-id']).toBe('42');
    expect(d['headers']['message-id']).toBe(info.messageId);
    expect(d['headers']['bcc']).toBeUndefined();
  });

  it('refuses a mail larger than maxSize and puts no event', async () => {
    const events: Event[] = [];
    listener = await startSmtpListener({ port: 0, putEvent: (e) => void events.push(e), maxSize: 1000 });
    await expect(transport(listener.port).sendMail({ from: 'a@x.test', to: 'b@x.test', text: 'x'.repeat(5000) })).rejects.toThrow(/552|size/i);
    expect(events).toHaveLength(0);
  });

  it('answers 451 when the event cannot be put, so the client retries later', async () => {
    listener = await startSmtpListener({ port: 0, putEvent: () => { throw new Error('bus down'); } });
    await expect(transport(listener.port).sendMail({ from: 'a@x.test', to: 'b@x.test', text: 'hi' })).rejects.toThrow(/451/);
  });
});

describe('mime reader', () => {
  it('decodes encoded words, quoted-printable text and base64 attachments in nested multiparts', () => {
    const raw = [
      'From: =?UTF-8?B?w4ltaWxl?= <emile@example.com>',
      'Subject: =?ISO-8859-1?Q?Caf=E9?= =?UTF-8?Q?_cr=C3=A8me?=',
      'Received: from a',
      'Received: from b',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'preamble',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Cr=C3=A8me br=C3=BBl=C3=A9e, a long line that is soft =',
      'wrapped.',
      '--inner--',
      '--outer',
      'Content-Type: image/png',
      "Content-Disposition: attachment; filename*=utf-8''caf%C3%A9.png",
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(300, 1).toString('base64').replace(/(.{76})/g, '$1\r\n'),
      '--outer--',
      'epilogue',
    ].join('\r\n');
    const mail = parseMail(Buffer.from(raw, 'utf8'));
    expect(mail.subject).toBe('Café crème');
    expect(mail.headers['from']).toBe('Émile <emile@example.com>');
    expect(mail.headers['received']).toEqual(['from a', 'from b']);
    expect(mail.text).toBe('Crème brûlée, a long line that is soft wrapped.');
    expect(mail.attachments).toEqual([{ filename: 'café.png', contentType: 'image/png', size: 300 }]);
  });
});

describe('MIME parsing of hostile headers', () => {
  it('keeps prototype-named headers as plain headers', () => {
    const mail = parseMail(Buffer.from('Constructor: yes\r\n__proto__: polluted\r\nSubject: hi\r\n\r\nbody'));
    expect(mail.headers['constructor']).toBe('yes');
    expect(Object.hasOwn(mail.headers, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('splits parameters at semicolons outside quotes, linearly even with a huge header', () => {
    const big = parseMail(Buffer.from(`Content-Type: text/plain; charset="a;b"; x=1${';'.repeat(200_000)}\r\n\r\nhello`));
    expect(big.text).toBe('hello');
    expect(parseParams('text/plain; charset="a;b"; x=1')).toEqual({ value: 'text/plain', params: { charset: 'a;b', x: '1' } });
  });
});
