/** The awsJson1_0 wire protocol at the HTTP level, and the REST API under /api. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASS, raw, ROLE, startHarness, WAIT, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const T = (op: string) => `AWSStepFunctions.${op}`;
const rest = async (method: string, path: string, body?: unknown, type = 'application/json') => {
  const res = await fetch(`${h.url}/api${path}`, {
    method,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
};

describe('AWS JSON protocol', () => {
  it('answers with a request id, JSON 1.0 content type and epoch-second timestamps', async () => {
    const r = await raw(h.url, T('CreateStateMachine'), JSON.stringify({ name: 'proto', definition: PASS, roleArn: ROLE }));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/x-amz-json-1.0');
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof r.json['creationDate']).toBe('number');
    expect(Math.abs((r.json['creationDate'] as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('accepts an empty body and the JSON 1.1 / application/json content types', async () => {
    expect((await raw(h.url, T('ListStateMachines'), '')).status).toBe(200);
    expect((await raw(h.url, T('ListStateMachines'), '{}', 'application/x-amz-json-1.1')).status).toBe(200);
    expect((await raw(h.url, T('ListStateMachines'), '{}', 'application/json')).status).toBe(200);
  });

  it('maps protocol errors to 4xx with __type and X-Amzn-Errortype', async () => {
    const cases: [string | undefined, string, string][] = [
      [T('NoSuchThing'), '{}', 'UnknownOperationException'],
      [undefined, '{}', 'UnknownOperationException'],
      ['Other.ListStateMachines', '{}', 'UnknownOperationException'],
      [T('ListStateMachines'), '{not json', 'SerializationException'],
      [T('ListStateMachines'), '[1]', 'SerializationException'],
      [T('CreateStateMachine'), JSON.stringify({ name: 5, definition: PASS, roleArn: ROLE }), 'SerializationException'],
      [T('CreateStateMachine'), JSON.stringify({ definition: PASS, roleArn: ROLE }), 'ValidationException'],
      [T('DescribeExecution'), JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:x:y' }), 'ExecutionDoesNotExist'],
      [T('StartExecution'), JSON.stringify({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:none' }), 'StateMachineDoesNotExist'],
    ];
    for (const [target, body, code] of cases) {
      const r = await raw(h.url, target, body);
      expect(r.status, `${target} ${body}`).toBe(400);
      expect(r.json['__type']).toBe(code);
      expect(r.headers.get('x-amzn-errortype')).toBe(code);
      expect(typeof r.json['message']).toBe('string');
    }
    const missing = await raw(h.url, T('CreateStateMachine'), JSON.stringify({ definition: PASS, roleArn: ROLE }));
    expect(missing.json['message']).toBe("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    const list = await raw(h.url, T('ListStateMachines'), '{}');
    expect((list.json['stateMachines'] as unknown[]).length).toBe(1);
  });

  it('rejects a definition over 1 MiB with a ValidationException', async () => {
    const big = JSON.stringify({ StartAt: 'P', Comment: 'x'.repeat(1_048_577), States: { P: { Type: 'Pass', End: true } } });
    const r = await raw(h.url, T('CreateStateMachine'), JSON.stringify({ name: 'huge', definition: big, roleArn: ROLE }));
    expect(r.status).toBe(400);
    expect(r.json['__type']).toBe('ValidationException');
  });
});

describe('REST API', () => {
  it('serves health and the OpenAPI document', async () => {
    expect(await rest('GET', '/health')).toEqual({ status: 200, json: { status: 'ok' } });
    const doc = await rest('GET', '/openapi.json');
    expect(doc.json?.['openapi']).toBe('3.1.0');
    expect(Object.keys(doc.json?.['paths'] as object)).toContain('/api/state-machines/{name}/executions');
  });

  it('validates a definition given as the body', async () => {
    expect(await rest('POST', '/validate', PASS, 'text/plain')).toEqual({ status: 200, json: { result: 'OK', diagnostics: [] } });
    const bad = await rest('POST', '/validate', '{"States":{}}', 'text/plain');
    expect(bad.status).toBe(200);
    expect(bad.json?.['result']).toBe('FAIL');
    expect(await rest('POST', '/validate', 'nonsense', 'text/plain')).toMatchObject({ status: 200, json: { result: 'FAIL' } });
  });

  it('manages state machines and runs executions', async () => {
    const created = await rest('POST', '/state-machines', { name: 'rest-sm', definition: JSON.parse(PASS) });
    expect(created.status).toBe(201);
    expect(created.json?.['stateMachineArn']).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:rest-sm');
    expect((await rest('GET', '/state-machines/rest-sm')).json).toMatchObject({ name: 'rest-sm', definition: PASS });
    const run = await rest('POST', '/state-machines/rest-sm/executions?wait=true&name=r1', { hello: 1 });
    expect(run).toMatchObject({ status: 200, json: { status: 'SUCCEEDED', output: '{"ok":true}', name: 'r1' } });
    expect(typeof run.json?.['startDate']).toBe('string');
    expect((await rest('GET', '/executions/rest-sm:r1')).json).toMatchObject({ status: 'SUCCEEDED' });
    const listed = await rest('GET', '/state-machines/rest-sm/executions?status=SUCCEEDED');
    expect((listed.json?.['executions'] as { name: string }[]).map((e) => e.name)).toEqual(['r1']);
    expect(await rest('GET', '/state-machines/rest-sm/executions?status=nope')).toMatchObject({ status: 400, json: { error: 'ValidationException' } });
    const hist = await rest('GET', `/executions/${encodeURIComponent(run.json?.['executionArn'] as string)}/history`);
    expect((hist.json?.['events'] as { type: string }[]).map((e) => e.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect((await rest('PUT', '/state-machines/rest-sm', { definition: WAIT(30) })).status).toBe(200);
    const started = await rest('POST', '/state-machines/rest-sm/executions?name=r2', '');
    expect(started.status).toBe(201);
    expect((await rest('POST', '/executions/rest-sm:r2/stop', { error: 'Why' })).status).toBe(200);
    expect((await rest('GET', '/executions/rest-sm:r2')).json).toMatchObject({ status: 'ABORTED', error: 'Why' });
    expect((await rest('DELETE', '/state-machines/rest-sm')).status).toBe(204);
    const asText = await rest('POST', '/state-machines?name=rest-text&type=EXPRESS', PASS, 'text/plain');
    expect(asText).toMatchObject({ status: 201, json: { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:rest-text' } });
    expect((await rest('GET', '/state-machines/rest-text')).json).toMatchObject({ type: 'EXPRESS', definition: PASS });
    expect(await rest('POST', '/state-machines/rest-text/executions?wait=true', { a: 1 })).toMatchObject({ status: 200, json: { status: 'SUCCEEDED', output: '{"ok":true}' } });
    expect(await rest('GET', '/state-machines/rest-sm')).toMatchObject({ status: 404, json: { error: 'StateMachineDoesNotExist' } });
  });

  it('answers client mistakes with 4xx JSON errors', async () => {
    expect(await rest('POST', '/state-machines', '{oops')).toMatchObject({ status: 400, json: { error: 'SerializationException' } });
    expect(await rest('POST', '/state-machines', { name: 'x' })).toMatchObject({ status: 400, json: { error: 'ValidationException' } });
    expect(await rest('POST', '/state-machines/none/executions', {})).toMatchObject({ status: 404 });
    expect(await rest('GET', '/executions/none:none')).toMatchObject({ status: 404, json: { error: 'ExecutionDoesNotExist' } });
    expect(await rest('GET', '/nothing-here')).toMatchObject({ status: 404, json: { error: 'NotFound' } });
  });

  it('registers, lists, replaces and removes Lambda functions', async () => {
    const ep = 'http://127.0.0.1:9/2015-03-31/functions/function/invocations';
    expect(await rest('PUT', '/functions/fn1', { endpoint: ep })).toMatchObject({ status: 200, json: { name: 'fn1', endpoint: ep } });
    expect(await rest('PUT', '/functions/fn1', { endpoint: `${ep}?v=2` })).toMatchObject({ status: 200 });
    expect((await rest('GET', '/functions/fn1')).json).toMatchObject({ endpoint: `${ep}?v=2` });
    expect((await rest('GET', '/functions')).json?.['functions']).toHaveLength(1);
    expect(await rest('PUT', '/functions/fn1', { endpoint: 'not a url' })).toMatchObject({ status: 400 });
    expect(await rest('PUT', '/functions/bad%20name', { endpoint: ep })).toMatchObject({ status: 400 });
    expect((await rest('DELETE', '/functions/fn1')).status).toBe(204);
    expect((await rest('GET', '/functions/fn1')).status).toBe(404);
  });
});
