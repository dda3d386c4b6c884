/** Pure rendering of invocation outcomes into classic-RIE HTTP answers (internal/lambda/rie/handlers.go). */
import { describe, expect, it } from 'vitest';
import { describeExit, renderOutcome, reportLine, sniffContentType, MAX_PAYLOAD_BYTES } from '../../src/functions/rie-response.js';

const ID = '11111111-2222-3333-4444-555555555555';

describe('renderOutcome', () => {
  it('passes success and handler-error bodies through with 200', () => {
    const ok = renderOutcome({ kind: 'response', body: Buffer.from('{"a":1}') }, ID);
    expect([ok.status, ok.body.toString(), ok.contentType]).toEqual([200, '{"a":1}', 'text/plain; charset=utf-8']);
    const err = renderOutcome({ kind: 'error', body: Buffer.from('{"errorType":"E","errorMessage":"m","trace":[]}') }, ID);
    expect([err.status, err.body.toString()]).toEqual([200, '{"errorType":"E","errorMessage":"m","trace":[]}']);
  });

  it('renders timeouts as plain text with the integer timeout and ".00"', () => {
    const r = renderOutcome({ kind: 'timeout', timeoutSeconds: 900 }, ID);
    expect([r.status, r.body.toString()]).toEqual([200, 'Task timed out after 900.00 seconds']);
  });

  it('renders crashes as 502 Runtime.ExitError / Runtime.OutOfMemory in Go wording', () => {
    const exit = renderOutcome({ kind: 'exit', status: { code: 3, signal: null }, outOfMemory: false }, ID);
    expect(exit.status).toBe(502);
    expect(exit.body.toString()).toBe(`{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${ID} Error: Runtime exited with error: exit status 3"}`);
    const killed = renderOutcome({ kind: 'exit', status: { code: null, signal: 'SIGKILL' }, outOfMemory: true }, ID);
    expect(JSON.parse(killed.body.toString())).toEqual({
      errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${ID} Error: Runtime exited with error: signal: killed`,
    });
  });

  it('renders init errors as 502 with the runtime body, oversize results as Function.ResponseSizeTooLarge', () => {
    const init = renderOutcome({ kind: 'init-error', body: Buffer.from('{"errorType":"Runtime.HandlerNotFound"}') }, ID);
    expect([init.status, init.body.toString()]).toEqual([502, '{"errorType":"Runtime.HandlerNotFound"}']);
    const big = renderOutcome({ kind: 'response-too-large', size: MAX_PAYLOAD_BYTES + 1 }, ID);
    expect(JSON.parse(big.body.toString()).errorMessage)
      .toBe('Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).');
  });
});

describe('helpers', () => {
  it('describes exits like Go os.ProcessState', () => {
    expect(describeExit({ code: 0, signal: null })).toBe('exit status 0');
    expect(describeExit({ code: null, signal: 'SIGSEGV' })).toBe('signal: segmentation fault');
    expect(describeExit({ code: null, signal: 'SIGXCPU' })).toBe('signal: SIGXCPU');
  });

  it('sniffs text vs binary and sends no type for an empty body', () => {
    expect(sniffContentType(Buffer.alloc(0))).toBeUndefined();
    expect(sniffContentType(Buffer.from('héllo\n'))).toBe('text/plain; charset=utf-8');
    expect(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('application/octet-stream');
  });

  it('formats REPORT lines exactly like printEndReports', () => {
    expect(reportLine({ requestId: ID, initDurationMs: 12.345, durationMs: 1.2, memorySize: 128, maxMemoryUsedMb: 40 }))
      .toBe(`REPORT RequestId: ${ID}\tInit Duration: 12.35 ms\tDuration: 1.20 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t`);
    expect(reportLine({ requestId: ID, initDurationMs: undefined, durationMs: 3, memorySize: 256, maxMemoryUsedMb: 256 }))
      .toBe(`REPORT RequestId: ${ID}\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\tMax Memory Used: 256 MB\t`);
  });
});
