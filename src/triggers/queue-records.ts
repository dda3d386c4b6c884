/**
 * The execution input of a queue lease, in the shape of the SQS event Lambda receives from an event-source
 * mapping (`{ "Records": [...] }`, attribute values as strings, `eventSource: "aws:sqs"`), and the execution
 * name derived from the lease id so a restart between lease and start cannot start a second execution.
 */
import type { MessageRow } from '../service/queues.js';

export interface RecordScope {
  region: string;
  account: string;
}

/** One SQS record (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, "Example standard queue message event"). */
export function sqsRecord(scope: RecordScope, queue: string, leaseId: number, m: MessageRow, md5: (s: string) => string) {
  return {
    messageId: m.messageId,
    // Lease-scoped, like an SQS receipt handle: a redelivery gets a new one.
    receiptHandle: Buffer.from(`${queue}:${leaseId}:${m.messageId}`).toString('base64'),
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentMs),
      SenderId: scope.account,
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveMs ?? m.sentMs),
      ...(m.dedupId !== null ? { MessageDeduplicationId: m.dedupId } : {}),
    },
    messageAttributes: {},
    md5OfBody: md5(m.body),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${scope.region}:${scope.account}:${queue}`,
    awsRegion: scope.region,
  };
}

/** The execution input for a leased batch. */
export function sqsEvent(scope: RecordScope, queue: string, leaseId: number, messages: MessageRow[], md5: (s: string) => string): string {
  return JSON.stringify({ Records: messages.map((m) => sqsRecord(scope, queue, leaseId, m, md5)) });
}

/**
 * The execution name of a lease: unique per lease (lease ids are never reused), at most 80 characters of the
 * characters AWS allows in execution names (queue names are a subset).
 */
export function leaseExecutionName(queue: string, leaseId: number): string {
  return `${queue.slice(0, 56)}-lease-${leaseId}`;
}
