/** The event bus and the client-message parser, without sockets. */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/engine/contract.js';
import { createEventBus } from '../../src/stream/event-bus.js';
import { parseClientMessage } from '../../src/stream/protocol.js';

const ev = (id: number): HistoryEvent => ({ id, previousEventId: id - 1, type: 'PassStateEntered', timestamp: 1 });

describe('event bus', () => {
  it('delivers in order to every listener; a throwing listener never reaches the publisher', () => {
    const errors: unknown[] = [];
    const bus = createEventBus((e) => errors.push(e));
    const got: number[] = [];
    bus.subscribe(() => { throw new Error('listener bug'); });
    const off = bus.subscribe((arn, events) => got.push(...events.map((e) => e.id)));
    expect(() => bus.publish('a', [ev(1), ev(2)])).not.toThrow();
    bus.publish('a', [ev(3)]);
    bus.publish('a', []);
    expect(got).toEqual([1, 2, 3]);
    expect(errors).toHaveLength(2);
    off();
    bus.publish('a', [ev(4)]);
    expect(got).toEqual([1, 2, 3]);
    expect(bus.size()).toBe(1);
  });

  it('a listener may unsubscribe itself while being called', () => {
    const bus = createEventBus();
    const calls: string[] = [];
    const off = bus.subscribe(() => { calls.push('first'); off(); });
    bus.subscribe(() => calls.push('second'));
    bus.publish('a', [ev(1)]);
    bus.publish('a', [ev(2)]);
    expect(calls).toEqual(['first', 'second', 'second']);
  });
});

describe('client messages', () => {
  const arn = 'arn:aws:states:us-east-1:123456789012:execution:m:e';
  it('parses the three targets and defaults sinceEventId to 0', () => {
    expect(parseClientMessage(JSON.stringify({ action: 'subscribe', executionArn: arn, sinceEventId: 7 })))
      .toEqual({ action: 'subscribe', target: { kind: 'execution', executionArn: arn }, sinceEventId: 7 });
    expect(parseClientMessage(JSON.stringify({ action: 'subscribe', executionArn: arn })))
      .toMatchObject({ sinceEventId: 0 });
    expect(parseClientMessage(JSON.stringify({ action: 'subscribe', stateMachineArn: 'arn:sm' })))
      .toEqual({ action: 'subscribe', target: { kind: 'stateMachine', stateMachineArn: 'arn:sm' }, sinceEventId: 0 });
    expect(parseClientMessage(JSON.stringify({ action: 'unsubscribe', all: true })))
      .toEqual({ action: 'unsubscribe', target: { kind: 'all' } });
  });

  it.each([
    ['[1]', 'JSON object'],
    ['"x"', 'JSON object'],
    ['{', 'not valid JSON'],
    ['{"action":"watch","all":true}', "'action'"],
    ['{"action":"subscribe"}', 'exactly one'],
    ['{"action":"subscribe","all":false}', "'all'"],
    ['{"action":"subscribe","executionArn":""}', 'non-empty'],
    ['{"action":"subscribe","executionArn":"a","stateMachineArn":"b"}', 'exactly one'],
    ['{"action":"subscribe","executionArn":"a","sinceEventId":1.5}', 'non-negative integer'],
    ['{"action":"subscribe","executionArn":"a","sinceEventId":"3"}', 'non-negative integer'],
    ['{"action":"subscribe","all":true,"sinceEventId":3}', 'executionArn subscriptions only'],
  ])('rejects %s', (text, message) => {
    expect(() => parseClientMessage(text)).toThrow(message);
  });
});
