/**
 * The Lambda Runtime API our host serves (lambda-rie.md §1.10), probed by a hand-written custom runtime started
 * through `command` (the `provided` runtime contract).
 */
import { describe, expect, it } from 'vitest';
import { fixture, invoke, startTestHost } from './host-helpers.js';

describe('Runtime API served to a custom runtime (command)', () => {
  it('serves /next with the Lambda headers and rejects wrong ids (400) and second results (403)', async () => {
    const host = await startTestHost({
      functionName: 'custom', dir: fixture('custom-runtime'), runtime: 'nodejs', handler: 'whatever.handler',
      command: [process.execPath, fixture('custom-runtime/bootstrap.mjs')], timeoutSeconds: 5,
    });
    try {
      const t0 = Date.now();
      const first = JSON.parse((await invoke(host.invokeUrl, { n: 1 }, { headers: { 'X-Amzn-Trace-Id': 'Root=1-abc-def;Sampled=1' } })).text);
      expect(first).toMatchObject({
        event: { n: 1 },
        contentType: 'application/json',
        arn: 'arn:aws:lambda:us-east-1:123456789012:function:custom',
        traceId: 'Root=1-abc-def;Sampled=1',
        wrongIdStatus: 400,
        wrongIdBody: { errorType: 'InvalidRequestID' },
        previousRepost: null,
        handler: 'whatever.handler',
      });
      expect(first.deadlineMs).toBeGreaterThanOrEqual(t0 + 4900);
      expect(first.deadlineMs).toBeLessThanOrEqual(Date.now() + 5000);
      const second = JSON.parse((await invoke(host.invokeUrl, { n: 2 })).text);
      expect(second.traceId).toBeNull();
      expect(second.previousRepost).toMatchObject({
        okStatus: 202, okBody: '{"status":"OK"}', againStatus: 403, againBody: { errorType: 'InvalidStateTransition' },
      });
    } finally {
      await host.close();
    }
  });
});
