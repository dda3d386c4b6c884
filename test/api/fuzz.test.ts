/** Every operation × a set of malformed bodies: always a 4xx AWS error (or 200), never a 5xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/service/service.js';
import { PASS, raw, ROLE, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:fuzz';
const BODIES: unknown[] = [
  {}, [], 'x', 5, null,
  { stateMachineArn: 7 }, { stateMachineArn: SM, maxResults: -1 }, { stateMachineArn: SM, maxResults: 'ten' },
  { stateMachineArn: `${SM}:1` }, { stateMachineArn: `${SM}:alias` }, { executionArn: `${SM}` }, { executionArn: 'x' },
  { stateMachineArn: SM, nextToken: '%%%' }, { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:fuzz:e', nextToken: 'AAAA' },
  { name: 'fuzz', definition: '{', roleArn: ROLE }, { name: 'fuzz', definition: PASS, roleArn: ROLE, type: 'NOPE' },
  { name: 'a', routingConfiguration: [{}] }, { name: 'a', routingConfiguration: 'x' }, { resourceArn: SM, tags: [{}] },
  { resourceArn: SM, tagKeys: 'k' }, { taskToken: '' }, { definition: 5 }, { stateMachineAliasArn: SM },
  { stateMachineVersionArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:fuzz:9' },
];

describe('malformed requests', () => {
  it('never answer 5xx', async () => {
    await raw(h.url, 'AWSStepFunctions.CreateStateMachine', JSON.stringify({ name: 'fuzz', definition: PASS, roleArn: ROLE }));
    const bad: string[] = [];
    for (const op of Object.keys(OPERATIONS)) {
      for (const body of BODIES) {
        const r = await raw(h.url, `AWSStepFunctions.${op}`, JSON.stringify(body));
        if (r.status >= 500 || (r.status !== 200 && typeof r.json['__type'] !== 'string')) bad.push(`${op} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.json)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
