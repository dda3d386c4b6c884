/** Request member constraints (src/service/request.ts): lengths in code points, sizes in UTF-8 bytes, as AWS counts them. */
import { describe, expect, it } from 'vitest';
import { req } from '../../src/service/request.js';

function violations(value: string, rule: Parameters<ReturnType<typeof req>['str']>[1]): string | undefined {
  const r = req({ name: value });
  r.str('name', rule);
  try {
    r.check();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('string members', () => {
  it('counts length in code points: a surrogate pair is one, a lone surrogate is one', () => {
    const emoji = '\u{1F600}';
    expect(violations(emoji.repeat(80), { max: 80 })).toBeUndefined();
    expect(violations(emoji.repeat(81), { max: 80 })).toMatch(/Member must have length less than or equal to 80/);
    expect(violations('x'.repeat(80), { max: 80 })).toBeUndefined();
    expect(violations('x'.repeat(81), { max: 80 })).toMatch(/less than or equal to 80/);
    expect(violations('\ud83d'.repeat(81), { max: 80 })).toMatch(/less than or equal to 80/);
    expect(violations(`${emoji}x`, { min: 3 })).toMatch(/Member must have length greater than or equal to 3/);
    expect(violations(`${emoji}xy`, { min: 3 })).toBeUndefined();
    expect(violations('', { min: 1 })).toMatch(/greater than or equal to 1/);
  });

  it('measures size in UTF-8 bytes', () => {
    expect(violations('é'.repeat(5), { maxBytes: 10 })).toBeUndefined();
    expect(violations('é'.repeat(6), { maxBytes: 10 })).toMatch(/Member must have size less than or equal to 10 bytes in UTF-8 encoding/);
    expect(violations('abc', { maxBytes: 3 })).toBeUndefined();
    expect(violations('abcd', { maxBytes: 3 })).toMatch(/size less than or equal to 3 bytes/);
  });
});
