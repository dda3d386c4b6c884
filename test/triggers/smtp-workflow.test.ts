/**
 * Mail starts a workflow: nodemailer → the SMTP listener → PutEvents on the bus (busPutEvent) → an event rule
 * matching `source: smtp` and the subject → StartExecution with the mail event as input. A mail the rule does
 * not match starts nothing; a mail too large for one bus event is truncated, not refused.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createService, type Service } from '../../src/service/service.js';
import { startEventDelivery, type EventDelivery } from '../../src/triggers/event-delivery.js';
import { putRule } from '../../src/triggers/event-rules.js';
import { busPutEvent } from '../../src/triggers/smtp-bus.js';
import { startSmtpListener, type SmtpListener } from '../../src/triggers/smtp.js';
import { until } from './queues-compose.js';

let service: Service;
let delivery: EventDelivery;
let smtp: SmtpListener;
beforeAll(async () => {
  service = createService({ db: ':memory:' });
  delivery = startEventDelivery(service);
  smtp = await startSmtpListener({ port: 0, putEvent: busPutEvent(service.ctx, () => delivery.wake()) });
});
afterAll(async () => {
  await smtp.close();
  await delivery.close();
  await service.close();
});

const mailer = () => nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });

async function executions(stateMachineArn: string) {
  const list = (await service.call('ListExecutions', { stateMachineArn })) as { executions: Array<{ executionArn: string }> };
  return Promise.all(list.executions.map((e) => service.call('DescribeExecution', { executionArn: e.executionArn }) as Promise<{ status: string; input: string; output?: string }>));
}

it('starts a workflow when a matching mail arrives, and none for other mail', async () => {
  const { stateMachineArn } = (await service.call('CreateStateMachine', {
    name: 'on-mail', roleArn: 'arn:aws:iam::123456789012:role/mail',
    definition: JSON.stringify({ StartAt: 'Pick', States: { Pick: { Type: 'Pass', Parameters: { 'subject.$': '$.detail.subject', 'from.$': '$.detail.from', 'files.$': '$.detail.attachments[*].filename' }, End: true } } }),
  })) as { stateMachineArn: string };
  putRule(service.ctx, {
    name: 'orders-by-mail',
    eventPattern: { source: ['smtp'], 'detail-type': ['Email Received'], detail: { subject: [{ prefix: 'Order' }] } },
    targets: [{ id: 'wf', arn: stateMachineArn }],
  }, undefined);

  await mailer().sendMail({ from: 'bob@example.com', to: 'inbox@workflows.local', subject: 'Hello there', text: 'not an order' });
  await mailer().sendMail({
    from: 'Alice <alice@example.com>', to: 'orders@workflows.local', subject: 'Order 7', text: 'two boxes',
    attachments: [{ filename: 'po.csv', content: 'a,b\n1,2\n' }],
  });
  const runs = await until(() => executions(stateMachineArn), (l) => l.length === 1 && l[0]!.status === 'SUCCEEDED');
  expect(JSON.parse(runs[0]!.output!)).toEqual({ subject: 'Order 7', from: 'alice@example.com', files: ['po.csv'] });
  expect(JSON.parse(runs[0]!.input)).toMatchObject({ source: 'smtp', 'detail-type': 'Email Received', detail: { to: ['orders@workflows.local'], text: 'two boxes' } });
  await delivery.idle();
  expect(await executions(stateMachineArn)).toHaveLength(1);
});

it('truncates a huge mail body to fit one bus event instead of refusing the mail', async () => {
  const { stateMachineArn } = (await service.call('CreateStateMachine', {
    name: 'on-big-mail', roleArn: 'arn:aws:iam::123456789012:role/mail',
    definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'truncated.$': '$.detail.truncated' }, End: true } } }),
  })) as { stateMachineArn: string };
  putRule(service.ctx, { name: 'big', eventPattern: { source: ['smtp'], detail: { subject: ['Big'] } }, targets: [{ arn: stateMachineArn }] }, undefined);
  await mailer().sendMail({ from: 'a@x.test', to: 'b@x.test', subject: 'Big', text: 'é'.repeat(400_000), html: `<p>${'x'.repeat(50_000)}</p>` });
  const runs = await until(() => executions(stateMachineArn), (l) => l.length === 1 && l[0]!.status === 'SUCCEEDED');
  expect(JSON.parse(runs[0]!.output!)).toEqual({ truncated: true });
  expect(Buffer.byteLength(runs[0]!.input)).toBeLessThan(262_144);
});
