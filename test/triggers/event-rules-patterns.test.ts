/** EventBridge event patterns and input transformers (pure). */
import { describe, expect, it } from 'vitest';
import { matchPattern, validatePattern } from '../../src/triggers/event-patterns.js';
import { fillTemplate, targetInput } from '../../src/triggers/event-transformer.js';

const EVENT = {
  version: '0', id: 'e-1', 'detail-type': 'Order Placed', source: 'shop.orders', account: '123456789012', time: '2026-01-01T00:00:00Z',
  region: 'us-east-1', resources: ['arn:x:1', 'arn:y:2'],
  detail: { id: 'o-17', total: 120.5, items: 3, status: 'NEW', tags: ['rush', 'gift'], customer: { tier: 'gold', email: 'Ann@Example.com' }, note: null, ip: '10.0.3.7' },
};

const m = (p: Record<string, unknown>) => {
  validatePattern(p);
  return matchPattern(p, EVENT);
};

describe('event patterns', () => {
  it('wildcard: stars match any run, escaped stars are literal, and hostile patterns stay linear', () => {
    const w = (pattern: string, value: string) => matchPattern({ detail: { v: [{ wildcard: pattern }] } }, { detail: { v: value } });
    expect(w('*', '')).toBe(true);
    expect(w('a*b*c', 'aXbYc')).toBe(true);
    expect(w('a*b*c', 'acb')).toBe(false);
    expect(w('ab*ba', 'aba')).toBe(false); // prefix and suffix may not overlap
    expect(w('*.png', 'x.png')).toBe(true);
    expect(w('a\\*b', 'a*b')).toBe(true);
    expect(w('a\\*b', 'aXb')).toBe(false);
    // A backtracking regex takes minutes on this (^a.*a.*…b$ over 400 a's); the scan answers at once.
    expect(w('a*'.repeat(12) + 'b', 'a'.repeat(400))).toBe(false);
  });

  it('exact match, arrays as OR, type-strict, nested detail', () => {
    expect(m({ source: ['shop.orders'] })).toBe(true);
    expect(m({ source: ['other', 'shop.orders'] })).toBe(true);
    expect(m({ source: ['other'] })).toBe(false);
    expect(m({ detail: { customer: { tier: ['gold'] } } })).toBe(true);
    expect(m({ detail: { customer: { tier: ['silver'] } } })).toBe(false);
    expect(m({ detail: { items: [3] } })).toBe(true);
    expect(m({ detail: { items: ['3'] } })).toBe(false);
    expect(m({ detail: { note: [null] } })).toBe(true);
    expect(m({ source: ['shop.orders'], 'detail-type': ['Nope'] })).toBe(false); // fields AND
    expect(m({ detail: { tags: ['gift'] } })).toBe(true); // event arrays: any element
    expect(m({ resources: ['arn:y:2'] })).toBe(true);
  });

  it('prefix, suffix, equals-ignore-case, wildcard, cidr', () => {
    expect(m({ source: [{ prefix: 'shop.' }] })).toBe(true);
    expect(m({ source: [{ prefix: 'bank.' }] })).toBe(false);
    expect(m({ detail: { customer: { email: [{ suffix: '@Example.com' }] } } })).toBe(true);
    expect(m({ detail: { customer: { email: [{ suffix: '@example.com' }] } } })).toBe(false);
    expect(m({ detail: { customer: { email: [{ suffix: { 'equals-ignore-case': '@EXAMPLE.COM' } }] } } })).toBe(true);
    expect(m({ detail: { status: [{ 'equals-ignore-case': 'new' }] } })).toBe(true);
    expect(m({ detail: { id: [{ wildcard: 'o-*7' }] } })).toBe(true);
    expect(m({ detail: { id: [{ wildcard: 'x-*' }] } })).toBe(false);
    expect(m({ detail: { ip: [{ cidr: '10.0.0.0/16' }] } })).toBe(true);
    expect(m({ detail: { ip: [{ cidr: '10.1.0.0/16' }] } })).toBe(false);
    expect(m({ detail: { items: [{ prefix: '3' }] } })).toBe(false); // prefix matches strings only
  });

  it('anything-but (value, list, prefix) and numeric ranges', () => {
    expect(m({ detail: { status: [{ 'anything-but': 'CANCELLED' }] } })).toBe(true);
    expect(m({ detail: { status: [{ 'anything-but': ['NEW', 'OLD'] }] } })).toBe(false);
    expect(m({ detail: { status: [{ 'anything-but': { prefix: 'N' } }] } })).toBe(false);
    expect(m({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false); // absent fields match only exists:false
    expect(m({ detail: { total: [{ numeric: ['>', 100] }] } })).toBe(true);
    expect(m({ detail: { total: [{ numeric: ['>', 100, '<=', 120] }] } })).toBe(false);
    expect(m({ detail: { total: [{ numeric: ['>=', 120.5, '<', 121] }] } })).toBe(true);
    expect(m({ detail: { items: [{ numeric: ['=', 3] }] } })).toBe(true);
    expect(m({ detail: { status: [{ numeric: ['>', 0] }] } })).toBe(false);
  });

  it('exists and $or', () => {
    expect(m({ detail: { id: [{ exists: true }] } })).toBe(true);
    expect(m({ detail: { coupon: [{ exists: true }] } })).toBe(false);
    expect(m({ detail: { coupon: [{ exists: false }] } })).toBe(true);
    expect(m({ detail: { id: [{ exists: false }] } })).toBe(false);
    expect(m({ $or: [{ source: ['nope'] }, { detail: { items: [{ numeric: ['>', 2] }] } }] })).toBe(true);
    expect(m({ $or: [{ source: ['nope'] }, { detail: { items: [{ numeric: ['>', 5] }] } }] })).toBe(false);
  });

  it('rejects invalid patterns with the reason', () => {
    const reason = (p: unknown) => {
      try {
        validatePattern(p);
        return 'valid';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(reason({ source: 'shop' })).toMatch(/must be arrays/);
    expect(reason({ source: [] })).toMatch(/Empty arrays/);
    expect(reason({ detail: { n: [{ numeric: ['~', 1] }] } })).toMatch(/numeric range operator/);
    expect(reason({ detail: { n: [{ exists: 'yes' }] } })).toMatch(/exists/);
    expect(reason({ detail: { n: [{ regex: '.*' }] } })).toMatch(/Unrecognized match type regex/);
    expect(reason([1])).toMatch(/JSON object/);
  });
});

describe('input transformer', () => {
  const c = { ruleName: 'r', ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r', ingestionTime: '2026-01-01T00:00:01Z' };
  it('puts values as JSON outside quotes and spliced text inside quotes', () => {
    const input = targetInput({
      id: '1', arn: 'a',
      inputTransformer: {
        inputPathsMap: { id: '$.detail.id', tier: '$.detail.customer.tier', tags: '$.detail.tags', total: '$.detail.total', none: '$.detail.nothing' },
        inputTemplate: '{"order": <id>, "text": "<id> is \\"<tier>\\" with <tags>", "tags": <tags>, "total": <total>, "none": <none>, "rule": "<aws.events.rule-name>", "event": <aws.events.event.json>}',
      },
    }, EVENT, c);
    const v = JSON.parse(input);
    expect(v).toMatchObject({ order: 'o-17', text: 'o-17 is "gold" with ["rush","gift"]', tags: ['rush', 'gift'], total: 120.5, none: null, rule: 'r' });
    expect(v.event.detail.id).toBe('o-17');
  });
  it('whole event by default, constant input, inputPath, and plain-text templates as a JSON string', () => {
    expect(JSON.parse(targetInput({ id: '1', arn: 'a' }, EVENT, c))).toEqual(EVENT);
    expect(targetInput({ id: '1', arn: 'a', input: '{"k":1}' }, EVENT, c)).toBe('{"k":1}');
    expect(JSON.parse(targetInput({ id: '1', arn: 'a', inputPath: '$.detail.customer' }, EVENT, c))).toEqual(EVENT.detail.customer);
    expect(JSON.parse(targetInput({ id: '1', arn: 'a', inputTransformer: { inputPathsMap: { s: '$.detail.status' }, inputTemplate: 'order is <s>' } }, EVENT, c))).toBe('order is NEW');
    expect(fillTemplate('{"e": <aws.events.event>}', new Map([['aws.events.event', { a: 1 }]]))).toBe('{"e": {"a":1}}');
  });
});
