/** CloudFormation intrinsics, short-form YAML tags, substitutions and plan-level rules of the importer. */
import { describe, expect, it } from 'vitest';
import { convertFiles, planHasErrors, sanitizeName } from '../../src/triggers/import-files.js';
import { evaluate, newCollector, type TemplateContext } from '../../src/triggers/import-intrinsics.js';
import { parseFile } from '../../src/triggers/import-parse.js';
import { ptr, stemOf } from '../../src/triggers/import-report.js';
import type { Json, JsonObject } from '../../src/util/json.js';

const OPTS = { region: 'us-east-1', account: '111122223333' };
const TEMPLATE: JsonObject = {
  Parameters: { Env: { Type: 'String', Default: 'prod' }, Zones: { Type: 'CommaDelimitedList', Default: 'a,b,c' }, Secret: { Type: 'String' } },
  Mappings: { Sizes: { prod: { Memory: 1024 } } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }, NotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] }, Unknown: { 'Fn::Equals': [{ Ref: 'Secret' }, 'x'] } },
  Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: { 'Fn::Sub': 'fn-${Env}' } } }, Q: { Type: 'AWS::SQS::Queue' } },
};
const ctx: TemplateContext = { file: 't.yaml', template: TEMPLATE, opts: OPTS, stackName: 'stack' };

function ev(value: Json) {
  const out = newCollector();
  return { value: evaluate(ctx, value, '/X', out), out };
}

describe('intrinsic functions', () => {
  it('evaluates Ref to pseudo parameters, parameters (lists split) and Lambda functions', () => {
    expect(ev({ Ref: 'AWS::Region' }).value).toBe('us-east-1');
    expect(ev({ Ref: 'AWS::AccountId' }).value).toBe('111122223333');
    expect(ev({ Ref: 'AWS::Partition' }).value).toBe('aws');
    expect(ev({ Ref: 'AWS::StackName' }).value).toBe('stack');
    expect(ev({ Ref: 'Zones' }).value).toEqual(['a', 'b', 'c']);
    expect(ev({ Ref: 'Fn' }).value).toBe('fn-prod');
    expect(ev({ 'Fn::GetAtt': ['Fn', 'Arn'] }).value).toBe('arn:aws:lambda:us-east-1:111122223333:function:fn-prod');
    expect(ev({ 'Fn::GetAtt': 'Fn.Arn' }).value).toBe('arn:aws:lambda:us-east-1:111122223333:function:fn-prod');
  });

  it('evaluates Join, Select, Split, FindInMap, Base64, ToJsonString and Length', () => {
    expect(ev({ 'Fn::Join': ['-', ['a', { Ref: 'Env' }, 3]] }).value).toBe('a-prod-3');
    expect(ev({ 'Fn::Select': [1, { Ref: 'Zones' }] }).value).toBe('b');
    expect(ev({ 'Fn::Split': ['|', 'x|y'] }).value).toEqual(['x', 'y']);
    expect(ev({ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Memory'] }).value).toBe(1024);
    expect(ev({ 'Fn::Base64': 'hi' }).value).toBe('aGk=');
    expect(ev({ 'Fn::ToJsonString': { a: { Ref: 'Env' } } }).value).toBe('{"a":"prod"}');
    expect(ev({ 'Fn::Length': [1, 2, 3] }).value).toBe(3);
  });

  it('evaluates Fn::If over Conditions and drops AWS::NoValue', () => {
    expect(ev({ 'Fn::If': ['IsProd', 'big', 'small'] }).value).toBe('big');
    expect(ev({ 'Fn::If': ['NotProd', 'big', 'small'] }).value).toBe('small');
    expect(ev({ a: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 1] }, b: 2 }).value).toEqual({ b: 2 });
    expect(ev(['x', { Ref: 'AWS::NoValue' }]).value).toEqual(['x']);
    const unknown = ev({ 'Fn::If': ['Unknown', 'yes', 'no'] });
    expect(unknown.value).toBe('yes');
    expect(unknown.out.unresolved[0]!.what).toContain('condition Unknown could not be evaluated');
  });

  it('evaluates Fn::Sub with refs, attributes, variables and ${!Literal}', () => {
    expect(ev({ 'Fn::Sub': '${AWS::Region}/${Env}/${Fn.Arn}/${!Keep}' }).value)
      .toBe('us-east-1/prod/arn:aws:lambda:us-east-1:111122223333:function:fn-prod/${Keep}');
    expect(ev({ 'Fn::Sub': ['${A}-${Env}', { A: { 'Fn::Join': ['', ['x', 'y']] } }] }).value).toBe('xy-prod');
  });

  it('leaves what needs a deployed stack as ${...} text, with pointer and a WARNING', () => {
    const r = ev({ a: { Ref: 'Secret' }, b: { 'Fn::GetAtt': ['Q', 'Arn'] }, c: { 'Fn::ImportValue': 'shared' }, d: { Ref: 'Nope' }, e: { 'Fn::GetAZs': '' } });
    expect(r.value).toEqual({ a: '${Secret}', b: '${Q.Arn}', c: '${ImportValue:shared}', d: '${Nope}', e: '${Fn::GetAZs}' });
    expect(r.out.unresolved.map((u) => u.pointer)).toEqual(['/X/a', '/X/b', '/X/c', '/X/d', '/X/e']);
    expect(r.out.problems.every((p) => p.severity === 'WARNING' && p.file === 't.yaml')).toBe(true);
  });
});

describe('YAML short-form tags', () => {
  it('become the long form, GetAtt split at the first dot', () => {
    const parsed = parseFile('t.yaml', 'a: !Ref X\nb: !GetAtt Db.Endpoint.Address\nc: !Join ["", [!Ref A, !Sub "x${B}"]]\nd: !If [C, !GetAtt [F, Arn], !Ref AWS::NoValue]\ne: !Equals [1, 1]\n');
    expect(parsed).toEqual({ ok: true, value: {
      a: { Ref: 'X' }, b: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
      c: { 'Fn::Join': ['', [{ Ref: 'A' }, { 'Fn::Sub': 'x${B}' }]] },
      d: { 'Fn::If': ['C', { 'Fn::GetAtt': ['F', 'Arn'] }, { Ref: 'AWS::NoValue' }] }, e: { 'Fn::Equals': [1, 1] },
    } });
  });

  it('accepts a byte order mark', () => {
    expect(parseFile('a.json', '\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('reports JSON syntax errors for .json files', () => {
    expect(parseFile('a.json', '{"a":')).toMatchObject({ ok: false, message: expect.stringContaining('not valid JSON') });
  });
});

const machine = (props: JsonObject, extra: JsonObject = {}) => JSON.stringify({ Resources: { M: { Type: 'AWS::StepFunctions::StateMachine', Properties: props }, ...extra } });
const PASS = { StartAt: 'A', States: { A: { Type: 'Pass', Result: '${Greeting}', End: true } } };

describe('state machine resources', () => {
  it('applies DefinitionSubstitutions to an inline Definition and warns about a placeholder with no entry', () => {
    const plan = convertFiles([{ name: 'a.json', content: machine({ Definition: { ...PASS, Comment: '${Other}' }, DefinitionSubstitutions: { Greeting: 'hi' } }) }], OPTS);
    const def = JSON.parse(plan.stateMachines[0]!.definition);
    expect(def.States.A.Result).toBe('hi');
    expect(def.Comment).toBe('${Other}');
    expect(plan.stateMachines[0]!.unresolved).toEqual([{ file: 'a.json', pointer: '/Resources/M/Properties/Definition', what: 'placeholder ${Other} has no DefinitionSubstitutions entry' }]);
  });

  it('reads DefinitionS3Location from an input file whose name ends with the Key, else reports an ERROR', () => {
    const tpl = { name: 'stack/t.json', content: machine({ DefinitionS3Location: { Bucket: 'b', Key: 'defs/m.asl.json' } }) };
    const def = { name: 'src/defs/m.asl.json', content: JSON.stringify(PASS) };
    const ok = convertFiles([tpl, def], OPTS);
    expect(planHasErrors(ok)).toBe(false);
    expect(ok.stateMachines.map((m) => m.name)).toEqual(['M']);
    const missing = convertFiles([tpl], OPTS);
    expect(missing.problems).toContainEqual(expect.objectContaining({ severity: 'ERROR', message: expect.stringContaining('s3://b/defs/m.asl.json') }));
  });

  it('reads a DefinitionS3Location path through readFile, relative to the template', () => {
    const seen: string[] = [];
    const plan = convertFiles([{ name: 'infra/t.json', content: machine({ DefinitionS3Location: '../sm/m.json' }) }], {
      ...OPTS, readFile: (p) => (seen.push(p), p === 'sm/m.json' ? JSON.stringify(PASS) : undefined),
    });
    expect(seen).toEqual(['sm/m.json']);
    expect(plan.stateMachines).toHaveLength(1);
  });

  it('reports validation errors at the definition pointer inside the template', () => {
    const plan = convertFiles([{ name: 't.yaml', content: 'Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: \'{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}\'\n' }], OPTS);
    expect(plan.problems).toContainEqual({ file: 't.yaml', pointer: '/Resources/M/Properties/DefinitionString', severity: 'ERROR', message: expect.stringContaining('MISSING_TRANSITION_TARGET') });
  });

  it('refuses an unknown StateMachineType and an EXPRESS machine using .sync', () => {
    const bad = convertFiles([{ name: 't.json', content: machine({ Definition: PASS, StateMachineType: 'FAST' }) }], OPTS);
    expect(bad.problems).toContainEqual(expect.objectContaining({ severity: 'ERROR', message: expect.stringContaining('"FAST"') }));
    const sync = { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', End: true } } };
    expect(planHasErrors(convertFiles([{ name: 't.json', content: machine({ Definition: sync, StateMachineType: 'EXPRESS' }) }], OPTS))).toBe(true);
  });

  it('is an ERROR when two machines would get the same name', () => {
    const plan = convertFiles([{ name: 'a/hello.asl.json', content: JSON.stringify(PASS) }, { name: 'b/hello.yaml', content: 'StartAt: A\nStates:\n  A: {Type: Succeed}\n' }], OPTS);
    expect(plan.problems).toContainEqual(expect.objectContaining({ file: 'b/hello.yaml', severity: 'ERROR', message: expect.stringContaining('also planned from a/hello.asl.json') }));
  });

  it('refuses a JSON document that is none of the supported formats', () => {
    const plan = convertFiles([{ name: 'package.json', content: '{"name":"x","version":"1.0.0"}' }], OPTS);
    expect(plan.problems).toEqual([expect.objectContaining({ severity: 'ERROR', message: expect.stringContaining('not a state machine definition') })]);
  });
});

describe('references between state machines and to activities', () => {
  it('resolves Ref/GetAtt of another imported machine and of an activity to local ARNs', () => {
    const child = { StartAt: 'A', States: { A: { Type: 'Succeed' } } };
    const parent = { StartAt: 'Run', States: {
      Run: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: { Ref: 'Child' }, Name: { 'Fn::GetAtt': ['Child', 'Name'] } }, Next: 'Work' },
      Work: { Type: 'Task', Resource: { Ref: 'Worker' }, End: true },
    } };
    const t = machine({ Definition: parent, StateMachineName: 'parent' }, {
      Child: { Type: 'AWS::StepFunctions::StateMachine', Properties: { Definition: child, StateMachineName: { 'Fn::Sub': '${AWS::StackName} child' } } },
      Worker: { Type: 'AWS::StepFunctions::Activity', Properties: { Name: 'worker' } },
    });
    const plan = convertFiles([{ name: 'app.json', content: t }], OPTS);
    expect(planHasErrors(plan)).toBe(false);
    expect(plan.stateMachines.map((m) => m.name)).toEqual(['parent', 'app-child']);
    const run = JSON.parse(plan.stateMachines[0]!.definition).States;
    expect(run.Run.Parameters).toEqual({ StateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:app-child', Name: 'app-child' });
    expect(run.Work.Resource).toBe('arn:aws:states:us-east-1:111122223333:activity:worker');
    expect(plan.stateMachines[0]!.unresolved).toEqual([]);
  });

  it('leaves a machine whose name refers to itself unresolved instead of recursing', () => {
    const r = convertFiles([{ name: 't.json', content: machine({ StateMachineName: { Ref: 'M' }, Definition: PASS }) }], OPTS);
    expect(r.stateMachines[0]!.name).toBe('M');
  });
});

describe('schedules', () => {
  it('keeps cron/rate SAM events, honours State, and skips one-off at() schedules with a warning', () => {
    const t = JSON.stringify({ Resources: { M: { Type: 'AWS::Serverless::StateMachine', Properties: { Definition: PASS, Events: {
      Off: { Type: 'ScheduleV2', Properties: { ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED' } },
      Once: { Type: 'ScheduleV2', Properties: { ScheduleExpression: 'at(2030-01-01T00:00:00)' } },
      Api: { Type: 'Api', Properties: { Path: '/x', Method: 'post' } },
    } } } } });
    const plan = convertFiles([{ name: 't.json', content: t }], OPTS);
    expect(plan.stateMachines[0]!.schedules).toEqual([{ expression: 'rate(5 minutes)', enabled: false, name: 'Off' }]);
    expect(plan.problems).toContainEqual(expect.objectContaining({ severity: 'WARNING', pointer: '/Resources/M/Properties/Events/Once', message: expect.stringContaining('at(2030') }));
  });
});

describe('helpers', () => {
  it('sanitises names and strips import extensions', () => {
    expect(sanitizeName('my machine: v2/final')).toBe('my-machine-v2-final');
    expect(sanitizeName('***')).toBe('StateMachine');
    expect(sanitizeName('x'.repeat(90))).toHaveLength(80);
    expect(stemOf('a/b/orders.asl.yaml')).toBe('orders');
    expect(stemOf('cdk.out/Stack.template.json')).toBe('Stack');
  });

  it('escapes JSON pointer tokens', () => {
    expect(ptr('/States', 'a/b', 'c~d', 0)).toBe('/States/a~1b/c~0d/0');
  });
});

describe('hostile input', () => {
  it('survives a FunctionName that refers to its own function', () => {
    const t = machine({ Definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: { 'Fn::GetAtt': ['F', 'Arn'] }, End: true } } } },
      { F: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: { 'Fn::GetAtt': ['F', 'Arn'] } } } });
    const plan = convertFiles([{ name: 't.json', content: t }], OPTS);
    expect(plan.stateMachines[0]!.functions).toEqual([expect.objectContaining({ logicalId: 'F', from: 'logicalId' })]);
  });

  it('keeps a __proto__ key as data', () => {
    const r = ev(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Json);
    expect(Object.keys(r.value as object)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports instead of throwing on very deep nesting', () => {
    const deep = '['.repeat(20000) + ']'.repeat(20000);
    const t = `{"Resources":{"M":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"Definition":{"StartAt":"A","States":{"A":{"Type":"Pass","Result":${deep},"End":true}}}}}}}`;
    const plan = convertFiles([{ name: 't.json', content: t }, { name: 'd.asl.json', content: `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":${deep},"End":true}}}` }], OPTS);
    expect(planHasErrors(plan)).toBe(true);
  });
});
