/** HTTP triggers over real HTTP: input shape, Express response mapping, Standard 202, Idempotency-Key, 413. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, executions, machine, PASS, settle, tempDb, WAIT, type Composed } from './compose.js';

const ECHO = { StartAt: 'E', States: { E: { Type: 'Pass', Parameters: { 'input.$': '$', 'run.$': '$$.Execution.Id' }, End: true } } };
const PROXY = {
  StartAt: 'R', States: {
    R: {
      Type: 'Pass', End: true,
      Parameters: { statusCode: 201, headers: { 'x-order.$': '$.pathParameters.id', 'content-type': 'text/plain' }, 'body.$': "States.Format('order {} for {}', $.pathParameters.id, $.body.customer)" },
    },
  },
};
const MAPPED = { StartAt: 'M', States: { M: { Type: 'Pass', Result: { code: 418, h: { 'x-tea': 'yes' }, payload: { short: 'stout' } }, End: true } } };
const FAIL = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'why' } } };

describe('HTTP triggers', () => {
  const t = tempDb();
  let c: Composed;
  let std: string;
  let slow: string;
  beforeAll(async () => {
    c = await compose(t.db);
    std = await machine(c, 'std', PASS);
    slow = await machine(c, 'slow', WAIT(2));
    const echo = await machine(c, 'echo', ECHO, 'EXPRESS');
    const proxy = await machine(c, 'proxy', PROXY, 'EXPRESS');
    const mapped = await machine(c, 'mapped', MAPPED, 'EXPRESS');
    const fail = await machine(c, 'fail', FAIL, 'EXPRESS');
    const made = await Promise.all([
      c.api('POST', '/api/triggers', { name: 'orders', method: 'POST', path: '/hooks/orders/:id', stateMachineArn: proxy }),
      c.api('POST', '/api/triggers', { name: 'echo', method: 'ANY', path: '/hooks/echo/:a/x/:b', stateMachineArn: echo }),
      c.api('POST', '/api/triggers', { name: 'std', method: 'POST', path: '/hooks/std', stateMachineArn: std }),
      c.api('POST', '/api/triggers', { name: 'slow', method: 'PUT', path: '/hooks/slow', stateMachineArn: slow }),
      c.api('POST', '/api/triggers', { name: 'tea', method: 'GET', path: '/hooks/tea', stateMachineArn: mapped, responseMapping: { statusCode: '$.code', headers: '$.h', body: '$.payload' } }),
      c.api('POST', '/api/triggers', { name: 'fail', path: '/hooks/fail', stateMachineArn: fail }),
    ]);
    for (const m of made) expect(m.status, JSON.stringify(m.json)).toBe(201);
  });
  afterAll(async () => {
    await c.close();
    t.cleanup();
  });

  it('passes body, headers, query, path parameters, method and path as the input; Express answers with the output', async () => {
    const res = await fetch(`${c.url}/hooks/echo/one/x/t%20wo?q=1&q=2&r=z`, { method: 'PATCH', headers: { 'x-custom': 'yes', 'content-type': 'application/json' }, body: '{"n":5}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const out = (await res.json()) as any;
    expect(out.input).toMatchObject({ body: { n: 5 }, query: { q: ['1', '2'], r: 'z' }, pathParameters: { a: 'one', b: 't wo' }, method: 'PATCH', path: '/hooks/echo/one/x/t%20wo' });
    expect(out.input.headers['x-custom']).toBe('yes');
    const text = await fetch(`${c.url}/hooks/echo/1/x/2`, { method: 'POST', body: 'plain words' });
    expect(((await text.json()) as any).input.body).toBe('plain words');
  });

  it('maps an API Gateway proxy-shaped output to status, headers and body', async () => {
    const res = await fetch(`${c.url}/hooks/orders/42`, { method: 'POST', body: JSON.stringify({ customer: 'ann' }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-order')).toBe('42');
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('order 42 for ann');
    // Wrong method: no trigger serves it.
    expect((await fetch(`${c.url}/hooks/orders/42`, { method: 'GET' })).status).toBe(404);
  });

  it('applies a responseMapping', async () => {
    const res = await fetch(`${c.url}/hooks/tea`);
    expect(res.status).toBe(418);
    expect(res.headers.get('x-tea')).toBe('yes');
    expect(await res.json()).toEqual({ short: 'stout' });
  });

  it('answers 502 { error, cause } when the Express run fails', async () => {
    const res = await fetch(`${c.url}/hooks/fail`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: 'Boom', cause: 'why' });
  });

  it('answers 202 with the execution ARN for Standard targets, once per Idempotency-Key', async () => {
    const first = await fetch(`${c.url}/hooks/std`, { method: 'POST', headers: { 'idempotency-key': 'order-7' }, body: '{"a":1}' });
    expect(first.status).toBe(202);
    const a = (await first.json()) as { executionArn: string; startDate: string };
    expect(a.executionArn).toBe(std.replace(':stateMachine:', ':execution:') + ':order-7');
    expect(a.startDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    await settle(50); // finished now: a retry meets ExecutionAlreadyExists and is answered with the same execution
    const retry = await fetch(`${c.url}/hooks/std`, { method: 'POST', headers: { 'idempotency-key': 'order-7', 'x-retry': '1' }, body: '{"a":1}' });
    expect(retry.status).toBe(202);
    expect(((await retry.json()) as any).executionArn).toBe(a.executionArn);
    const noKey = await fetch(`${c.url}/hooks/std`, { method: 'POST', body: '{}' });
    expect(((await noKey.json()) as any).executionArn).not.toBe(a.executionArn);
    expect(await executions(c, std)).toHaveLength(2);

    // While running, with different headers (so a different input): still the same execution.
    const r1 = await fetch(`${c.url}/hooks/slow`, { method: 'PUT', headers: { 'idempotency-key': 'k 1/ü' }, body: '{}' });
    const r2 = await fetch(`${c.url}/hooks/slow`, { method: 'PUT', headers: { 'idempotency-key': 'k 1/ü', 'x-attempt': '2' }, body: '{}' });
    const [e1, e2] = [(await r1.json()) as any, (await r2.json()) as any];
    expect(e1.executionArn).toMatch(/:idem-[0-9a-f]{40}$/); // not a valid execution name as is: hashed
    expect(e2).toEqual(e1);
    expect((await executions(c, slow)).map((e) => e.status)).toEqual(['RUNNING']);
  });

  it('replays the stored response for an Express Idempotency-Key instead of running again', async () => {
    const call = () => fetch(`${c.url}/hooks/echo/a/x/b`, { method: 'POST', headers: { 'idempotency-key': 'pay-1' }, body: '{"v":1}' }).then((r) => r.json() as Promise<any>);
    const [one, two] = await Promise.all([call(), call()]);
    const three = await call();
    expect(two.run).toBe(one.run);
    expect(three.run).toBe(one.run);
    const other = await fetch(`${c.url}/hooks/echo/a/x/b`, { method: 'POST', headers: { 'idempotency-key': 'pay-2' }, body: '{"v":1}' }).then((r) => r.json() as Promise<any>);
    expect(other.run).not.toBe(one.run);
  });

  it('refuses bodies over 256 KiB with 413', async () => {
    const res = await fetch(`${c.url}/hooks/std`, { method: 'POST', body: 'x'.repeat(262_145) });
    expect(res.status).toBe(413);
    const ok = await fetch(`${c.url}/hooks/std`, { method: 'POST', body: JSON.stringify({ s: 'x'.repeat(200_000) }) });
    expect(ok.status).toBe(202);
  });

  it('answers a client mistake with its 4xx, and an unsendable workflow response with 502', async () => {
    // The body fits the hook limit, but with headers and query around it the execution input exceeds 256 KiB.
    const big = await fetch(`${c.url}/hooks/std`, { method: 'POST', body: 'x'.repeat(262_000) });
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
    // The workflow maps a header value with a line break: it cannot be sent.
    const res = await fetch(`${c.url}/hooks/orders/a%0Ab`, { method: 'POST', body: JSON.stringify({ customer: 'ann' }) });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toBe('InvalidResponseHeader');
  });

  it('validates, lists, gets and deletes triggers', async () => {
    const bad = await c.api('POST', '/api/triggers', { name: 'x', method: 'POST', path: '/api/x', stateMachineArn: std });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/\/hooks\//);
    expect((await c.api('POST', '/api/triggers', { name: 'x', method: 'FETCH', path: '/hooks/x', stateMachineArn: std })).status).toBe(400);
    expect((await c.api('POST', '/api/triggers', { name: 'dup', method: 'POST', path: '/hooks/std', stateMachineArn: std })).status).toBe(409);
    expect((await c.api('POST', '/api/triggers', { name: 'nomachine', path: '/hooks/n', stateMachineArn: `${std}zz` })).status).toBe(400);
    expect((await c.api('GET', '/api/triggers')).json.triggers.map((x: any) => x.name)).toEqual(['echo', 'fail', 'orders', 'slow', 'std', 'tea']);
    expect((await c.api('GET', '/api/triggers/tea')).json).toMatchObject({ method: 'GET', path: '/hooks/tea', responseMapping: { statusCode: '$.code' } });
    expect((await c.api('DELETE', '/api/triggers/tea')).status).toBe(204);
    expect((await fetch(`${c.url}/hooks/tea`)).status).toBe(404);
    expect((await c.api('GET', '/api/triggers/tea')).status).toBe(404);
  });
});
