/** State machine, version, alias and tag operations through the real @aws-sdk/client-sfn. */
import {
  CreateStateMachineAliasCommand, CreateStateMachineCommand, DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand, DeleteStateMachineVersionCommand, DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand, ListStateMachineAliasesCommand, ListStateMachinesCommand,
  ListStateMachineVersionsCommand, ListTagsForResourceCommand, PublishStateMachineVersionCommand, TagResourceCommand,
  UntagResourceCommand, UpdateStateMachineAliasCommand, UpdateStateMachineCommand, ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, PASS, ROLE, startHarness, WAIT, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const create = (name: string, definition = PASS, extra: Record<string, unknown> = {}) =>
  h.sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE, ...extra }));

describe('state machines', () => {
  it('creates, describes, updates and deletes', async () => {
    const c = await create('crud');
    expect(c.stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:crud');
    expect(c.creationDate).toBeInstanceOf(Date);
    const d = await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: c.stateMachineArn }));
    expect(d).toMatchObject({ name: 'crud', status: 'ACTIVE', definition: PASS, roleArn: ROLE, type: 'STANDARD',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false }, tracingConfiguration: { enabled: false } });
    const u = await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: WAIT(1) }));
    expect(u.revisionId).not.toBe(d.revisionId);
    expect((await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: c.stateMachineArn }))).definition).toBe(WAIT(1));
    await h.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: c.stateMachineArn }));
    expect((await errorOf(h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: c.stateMachineArn })))).name).toBe('StateMachineDoesNotExist');
    // Deleting again succeeds silently (AWS parity).
    await h.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: c.stateMachineArn }));
  });

  it('is idempotent for an identical create and refuses a different one', async () => {
    const a = await create('idem');
    const b = await create('idem', PASS, { roleArn: 'arn:aws:iam::123456789012:role/other' });
    expect(b.stateMachineArn).toBe(a.stateMachineArn);
    expect(b.creationDate).toEqual(a.creationDate);
    const e = await errorOf(create('idem', WAIT(2)));
    expect(e).toMatchObject({ name: 'StateMachineAlreadyExists', status: 400 });
    expect(e.message).toBe(`State Machine Already Exists: '${a.stateMachineArn}'`);
  });

  it('rejects bad requests with AWS error codes and stores nothing', async () => {
    expect((await errorOf(create('bad', '{"StartAt":"X","States":{}}'))).name).toBe('InvalidDefinition');
    expect((await errorOf(create('bad name'))).name).toBe('InvalidName');
    expect((await errorOf(create('x'.repeat(81)))).message).toBe(
      `1 validation error detected: Value '${'x'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`);
    expect(await errorOf(create('vd', PASS, { versionDescription: 'd' }))).toMatchObject({
      name: 'ValidationException', message: 'Version description can only be set when publish is true' });
    expect((await errorOf(create('lg', PASS, { loggingConfiguration: { level: 'ALL' } }))).name).toBe('InvalidLoggingConfiguration');
    expect((await errorOf(h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'nope' })))).message).toBe("Invalid Arn: 'Invalid ARN prefix: nope'");
    expect((await errorOf(h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: (await create('upd')).stateMachineArn })))).name).toBe('MissingRequiredParameter');
    const names = (await h.sfn.send(new ListStateMachinesCommand({}))).stateMachines!.map((m) => m.name);
    expect(names).not.toContain('bad');
    expect(names).not.toContain('vd');
    expect(names).not.toContain('lg');
  });

  it('lists state machines by name with paging', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await create(n);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.sfn.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      expect(page.stateMachines!.length).toBeLessThanOrEqual(2);
      seen.push(...page.stateMachines!.map((m) => m.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen.filter((n) => n.startsWith('page-'))).toEqual(['page-a', 'page-b', 'page-c']);
    expect([...seen].sort()).toEqual(seen);
    expect((await errorOf(h.sfn.send(new ListStateMachinesCommand({ maxResults: 1001 })))).message).toBe(
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000");
  });

  it('validates definitions', async () => {
    const ok = await h.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: PASS }));
    expect(ok).toMatchObject({ result: 'OK', diagnostics: [] });
    const bad = await h.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: '{}' }));
    expect(bad.result).toBe('FAIL');
    expect(bad.diagnostics![0]).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', severity: 'ERROR' });
  });
});

describe('versions and aliases', () => {
  it('publishes versions on create/update/publish and lists them newest first', async () => {
    const c = await create('ver', PASS, { publish: true, versionDescription: 'one' });
    expect(c.stateMachineVersionArn).toBe(`${c.stateMachineArn}:1`);
    const u = await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: WAIT(1), publish: true }));
    expect(u.stateMachineVersionArn).toBe(`${c.stateMachineArn}:2`);
    const same = await h.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: c.stateMachineArn }));
    expect(same.stateMachineVersionArn).toBe(`${c.stateMachineArn}:2`);
    const v1 = await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${c.stateMachineArn}:1` }));
    expect(v1).toMatchObject({ definition: PASS, description: 'one', stateMachineArn: `${c.stateMachineArn}:1` });
    const list = await h.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: c.stateMachineArn, maxResults: 1 }));
    expect(list.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${c.stateMachineArn}:2`]);
    const rest = await h.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: c.stateMachineArn, nextToken: list.nextToken }));
    expect(rest.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${c.stateMachineArn}:1`]);
    expect((await errorOf(h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: `${c.stateMachineArn}:1`, definition: PASS })))).name).toBe('InvalidArn');
    expect((await errorOf(h.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: c.stateMachineArn, revisionId: 'stale' })))).name).toBe('ConflictException');
  });

  it('creates, routes, updates and deletes aliases', async () => {
    const c = await create('ali', PASS, { publish: true });
    await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: c.stateMachineArn, definition: WAIT(1), publish: true }));
    const v1 = `${c.stateMachineArn}:1`;
    const v2 = `${c.stateMachineArn}:2`;
    const a = await h.sfn.send(new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }] }));
    expect(a.stateMachineAliasArn).toBe(`${c.stateMachineArn}:live`);
    const bad = await errorOf(h.sfn.send(new CreateStateMachineAliasCommand({ name: 'bad', routingConfiguration: [{ stateMachineVersionArn: v1, weight: 60 }, { stateMachineVersionArn: v2, weight: 30 }] })));
    expect(bad.name).toBe('ValidationException');
    await h.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn, routingConfiguration: [{ stateMachineVersionArn: v1, weight: 50 }, { stateMachineVersionArn: v2, weight: 50 }] }));
    const d = await h.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
    expect(d.routingConfiguration).toEqual([{ stateMachineVersionArn: v1, weight: 50 }, { stateMachineVersionArn: v2, weight: 50 }]);
    expect((await h.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: c.stateMachineArn }))).stateMachineAliases!.map((x) => x.stateMachineAliasArn))
      .toEqual([a.stateMachineAliasArn]);
    expect((await errorOf(h.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 })))).name).toBe('ConflictException');
    await h.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn }));
    expect((await errorOf(h.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: a.stateMachineAliasArn })))).name).toBe('ResourceNotFound');
    await h.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 }));
    expect((await errorOf(h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: v1 })))).name).toBe('StateMachineDoesNotExist');
  });

  it('tags and untags state machines', async () => {
    const c = await create('tagged', PASS, { tags: [{ key: 'a', value: '1' }] });
    await h.sfn.send(new TagResourceCommand({ resourceArn: c.stateMachineArn, tags: [{ key: 'b', value: '2' }] }));
    expect((await h.sfn.send(new ListTagsForResourceCommand({ resourceArn: c.stateMachineArn }))).tags).toEqual([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    await h.sfn.send(new UntagResourceCommand({ resourceArn: c.stateMachineArn, tagKeys: ['a'] }));
    expect((await h.sfn.send(new ListTagsForResourceCommand({ resourceArn: c.stateMachineArn }))).tags).toEqual([{ key: 'b', value: '2' }]);
    expect((await errorOf(h.sfn.send(new ListTagsForResourceCommand({ resourceArn: `${c.stateMachineArn}x` })))).name).toBe('ResourceNotFound');
  });
});
