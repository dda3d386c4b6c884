/** serverless.yml (serverless-step-functions) → planned machines: variables, function naming, schedules, ${file()}. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertFiles, planHasErrors, type PlannedStateMachine } from '../../src/triggers/import-files.js';
import { lambdaLogicalId } from '../../src/triggers/import-serverless.js';

const ROOT = resolve(__dirname, '../fixtures/import/serverless');
const OPTS = { region: 'eu-west-1', account: '123456789012' };
const file = (p: string) => ({ name: `serverless/${p}`, content: readFileSync(join(ROOT, p), 'utf8') });
const readFile = (p: string): string | undefined => {
  try {
    return readFileSync(join(ROOT, '..', p), 'utf8');
  } catch {
    return undefined;
  }
};

function states(m: PlannedStateMachine): Record<string, Record<string, unknown>> {
  return (JSON.parse(m.definition) as { States: Record<string, Record<string, unknown>> }).States;
}

describe('serverless.yml', () => {
  const plan = convertFiles([file('serverless.yml')], { ...OPTS, readFile });
  const [image, cleanup] = plan.stateMachines;

  it('plans every state machine under stepFunctions.stateMachines, with ${file()} resolved', () => {
    expect(planHasErrors(plan)).toBe(false);
    expect(plan.stateMachines.map((m) => [m.name, m.type])).toEqual([['process-image-dev', 'STANDARD'], ['cleanup', 'EXPRESS']]);
    expect(image!.source).toEqual({ file: 'serverless/serverless.yml', pointer: '/stepFunctions/stateMachines/processImage' });
  });

  it('names functions <service>-<stage>-<function> and accepts the key or the logical id in GetAtt/Ref', () => {
    const s = states(image!);
    expect(s.DetectFormat!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:image-pipeline-dev-detect-format');
    expect((s.Resize!.Parameters as Record<string, unknown>).FunctionName).toBe('arn:aws:lambda:eu-west-1:123456789012:function:image-pipeline-dev-resize_image');
    expect(s.Notify!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:image-notify-dev');
    // Ref of a function is its name; its own `name:` wins over the framework naming.
    expect(states(cleanup!).Purge!.Resource).toBe('image-notify-dev');
    expect(image!.functions.every((f) => f.from === 'FunctionName')).toBe(true);
  });

  it('resolves self/opt variables, keeping non-string values, and records them as substituted', () => {
    const s = states(image!);
    expect(s.Resize!.TimeoutSeconds).toBe(30);
    expect((s.Resize!.Parameters as { Payload: Record<string, unknown> }).Payload).toEqual({ 'input.$': '$', width: 200, bucket: 'image-pipeline-dev-uploads' });
    expect(JSON.parse(image!.definition).Comment).toBe('Thumbnail pipeline for image-pipeline-dev-uploads');
    expect(image!.substituted).toContainEqual({ placeholder: '${self:custom.bucket}', value: 'image-pipeline-dev-uploads' });
  });

  it('leaves ${env:...} unresolved with its pointer', () => {
    expect((states(image!).Notify!.Parameters as Record<string, unknown>).token).toBe('${env:NOTIFY_TOKEN}');
    expect(image!.unresolved).toEqual([{
      file: 'serverless/serverless.yml', pointer: '/stepFunctions/stateMachines/processImage/definition/States/Notify/Parameters/token',
      what: 'serverless variable ${env:NOTIFY_TOKEN}',
    }]);
  });

  it('turns schedule events (string and object form) into schedules, and keeps tags', () => {
    expect(image!.schedules).toEqual([
      { expression: 'rate(30 minutes)', enabled: true },
      { expression: 'cron(0 3 * * ? *)', enabled: false, name: 'nightly-reprocess', input: '{"bucket":"image-pipeline-dev-uploads"}' },
    ]);
    expect(image!.tags).toEqual({ Team: 'media' });
  });

  it('takes the stage and env values from --map', () => {
    const prod = convertFiles([file('serverless.yml')], { ...OPTS, readFile, map: { 'opt:stage': 'prod', 'env:NOTIFY_TOKEN': 't0k' } });
    const m = prod.stateMachines[0]!;
    expect(m.name).toBe('process-image-prod');
    expect(states(m).DetectFormat!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:image-pipeline-prod-detect-format');
    expect((states(m).Notify!.Parameters as Record<string, unknown>).token).toBe('t0k');
    expect(m.unresolved).toEqual([]);
  });

  it('does not import a ${file()} fragment passed alongside as a file of its own', () => {
    const both = convertFiles([file('serverless.yml'), file('definitions/cleanup.yml')], OPTS);
    expect(both.stateMachines.map((m) => m.name)).toEqual(['process-image-dev', 'cleanup']);
    expect(planHasErrors(both)).toBe(false);
  });

  it('warns when the file has no state machines', () => {
    const plan2 = convertFiles([{ name: 'serverless.yml', content: 'service: api\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: a.h\n' }], OPTS);
    expect(plan2.stateMachines).toEqual([]);
    expect(plan2.problems).toEqual([expect.objectContaining({ severity: 'WARNING', message: expect.stringContaining('no state machines') })]);
  });
});

describe('lambdaLogicalId', () => {
  it('follows the framework naming', () => {
    expect(lambdaLogicalId('hello')).toBe('HelloLambdaFunction');
    expect(lambdaLogicalId('hello-world')).toBe('HelloDashworldLambdaFunction');
    expect(lambdaLogicalId('resize_image')).toBe('ResizeUnderscoreimageLambdaFunction');
  });
});
