/** validateDefinition: paths, payload templates, intrinsics, JSONata, Wait, resources, EXPRESS, variables, warnings. */
import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../../src/asl/validate.js';
import { classifyResource } from '../../../src/asl/validate-resource.js';
import { intrinsicProblem, isValidPath, referencePathProblem } from '../../../src/asl/validate-path-syntax.js';

type Opts = { type?: 'STANDARD' | 'EXPRESS' };
const run = (def: unknown, opts: Opts = {}) => validateDefinition(JSON.stringify(def), opts);
const errors = (def: unknown, opts: Opts = {}) =>
  run(def, opts).filter((d) => d.severity === 'ERROR').map((d) => `${d.code}: ${d.message} @ ${d.location ?? '-'}`);
const one = (state: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ StartAt: 'X', States: { X: state }, ...extra });
const ok = (def: unknown, opts: Opts = {}) => expect(errors(def, opts)).toEqual([]);
const JSONATA = { QueryLanguage: 'JSONata' };

describe('path syntax', () => {
  it('recognises Reference Paths', () => {
    for (const p of ['$', '$.a', "$.a['b c'][0].d", '$$.Execution.Id', '$myVar.field', '$.a-b']) expect(referencePathProblem(p)).toBeUndefined();
    expect(referencePathProblem('a.b')).toBe("Reference path didn't start with '$'");
    expect(referencePathProblem('$..a')).toBe("Reference path can't contain '..'");
    expect(referencePathProblem('$.a.*')).toBe("Reference path can't contain '*'");
    for (const p of ['$.a[*]', '$.a[?(@.x)]', '$.a[0:2]', '$.a[0,1]']) expect(referencePathProblem(p)).toBeDefined();
  });

  it('accepts JSONPath queries where a Path is allowed', () => {
    for (const p of ['$.a[0:2]', '$..x', '$.a[?(@.price < 10)]', '$.a[*].b', '$$.Map.Item.Value']) expect(isValidPath(p)).toBe(true);
    for (const p of ['a', '$.a[', '$.a)', "$.a['x]", '$.', '$x-y']) expect(isValidPath(p)).toBe(false);
  });

  it('checks every path field of a JSONPath state', () => {
    expect(errors(one({ Type: 'Pass', ResultPath: '$.a[*]', End: true }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path can only use a name or an index in brackets (position 3) @ /States/X/ResultPath',
    ]);
    expect(errors(one({ Type: 'Pass', InputPath: 'a', End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED: Value must be a valid JSONPath. @ /States/X/InputPath']);
    ok(one({ Type: 'Pass', InputPath: '$.a[0:2]', OutputPath: null, ResultPath: null, End: true }));
    expect(errors(one({ Type: 'Wait', SecondsPath: 'seconds', End: true }))[0]).toContain('@ /States/X/SecondsPath');
    expect(errors(one({ Type: 'Fail', CausePath: 'cause' }))).toEqual(['SCHEMA_VALIDATION_FAILED: Value must be a valid Reference Path or intrinsic function call @ /States/X/CausePath']);
    ok(one({ Type: 'Fail', ErrorPath: '$.e', CausePath: "States.Format('{} failed', $.name)" }));
    expect(errors(one({ Type: 'Task', Resource: 'f', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X', ResultPath: 'err' }], End: true }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path didn't start with '$' @ /States/X/Catch[0]/ResultPath",
    ]);
  });
});

describe('payload templates and intrinsic functions', () => {
  const field = "The value for the field 'v.$' must be a valid JSONPath or a valid intrinsic function call";

  it('needs a Path or an intrinsic call behind every ".$" key, at the holding object', () => {
    ok(one({ Type: 'Pass', Parameters: { 'a.$': '$.a', 'b.$': '$$.Task.Token', 'c.$': '$var', 'd.$': "States.Array($.a, 'x', 1, true, null, States.UUID())", n: { 'e.$': '$.e' } }, End: true }));
    expect(errors(one({ Type: 'Pass', Parameters: { 'v.$': 'nope' }, End: true }))).toEqual([`SCHEMA_VALIDATION_FAILED: ${field} @ /States/X/Parameters`]);
    expect(errors(one({ Type: 'Pass', Parameters: { n: [{ 'v.$': 5 }] }, End: true }))).toEqual([`SCHEMA_VALIDATION_FAILED: ${field} @ /States/X/Parameters/n[0]`]);
    expect(errors(one({ Type: 'Task', Resource: 'f', ResultSelector: { 'v.$': '$.a[' }, End: true }))).toEqual([`SCHEMA_VALIDATION_FAILED: ${field} @ /States/X/ResultSelector`]);
    expect(errors(one({ Type: 'Task', Resource: 'f', Credentials: { 'v.$': 'x' }, End: true }))).toEqual([`SCHEMA_VALIDATION_FAILED: ${field} @ /States/X/Credentials`]);
  });

  it('checks intrinsic syntax, names, arity and escapes', () => {
    expect(intrinsicProblem("States.Format('x={}', $.x)")).toBeUndefined();
    expect(intrinsicProblem("States.Format('a \\' b \\{\\} \\\\ c')")).toBeUndefined();
    expect(intrinsicProblem('States.Nope()')).toMatch(/Unknown intrinsic/);
    expect(intrinsicProblem('States.ArrayLength($.a, 1)')).toMatch(/argument/);
    expect(intrinsicProblem("States.Format('x'")).toBeDefined();
    expect(intrinsicProblem('States.Format(\'He said, \\"Hi\\"\')')).toMatch(/illegal escape/);
    expect(intrinsicProblem(`${'States.Array('.repeat(100)}${')'.repeat(100)}`)).toMatch(/nested too deeply/);
    expect(errors(one({ Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($.a)' }, End: true }))).toEqual([`SCHEMA_VALIDATION_FAILED: ${field} @ /States/X/Parameters`]);
  });

  it('does not evaluate templates in JSONata states (there are no ".$" keys there)', () => {
    ok(one({ Type: 'Pass', Output: { 'v.$': 'not a path' }, End: true }, JSONATA));
  });
});

describe('JSONata expressions', () => {
  it('parses every {% %} string and reports the JSONata message at the field', () => {
    ok(one({ Type: 'Pass', Output: { a: '{% $states.input.a * 2 %}', b: ['{% $count([1,2]) %}'] }, Assign: { x: '{% 1 %}' }, End: true }, JSONATA));
    expect(run(one({ Type: 'Pass', Output: '{% a[1,2) %}', End: true }, JSONATA))).toEqual([
      { severity: 'ERROR', code: 'INVALID_JSONATA_EXPRESSION', message: 'Expected "]", got ","', location: '/States/X/Output' },
    ]);
    expect(errors(one({ Type: 'Pass', Output: { deep: ['{% 1 + %}'] }, End: true }, JSONATA))).toEqual(['INVALID_JSONATA_EXPRESSION: Unexpected end of expression @ /States/X/Output']);
    expect(errors(one({ Type: 'Choice', Choices: [{ Condition: '{% "open %}', Next: 'X' }], Default: 'X' }, JSONATA))[0]).toBe(
      'INVALID_JSONATA_EXPRESSION: String literal must be terminated by a matching quote @ /States/X/Choices[0]/Condition',
    );
  });

  it("refuses $$ and $states.errorOutput outside a catcher", () => {
    expect(errors(one({ Type: 'Pass', Output: '{% $$ %}', End: true }, JSONATA))).toEqual(["UNSUPPORTED_JSONATA_EXPRESSION: Reference to '$$' is not supported. @ /States/X/Output"]);
    expect(errors(one({ Type: 'Pass', Output: '{% $states.errorOutput %}', End: true }, JSONATA))).toEqual([
      "UNSUPPORTED_JSONATA_EXPRESSION: Field '$states.errorOutput' does not exist. @ /States/X/Output",
    ]);
    ok({ QueryLanguage: 'JSONata', StartAt: 'T', States: { T: { Type: 'Task', Resource: 'f', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S', Output: '{% $states.errorOutput %}' }], Next: 'S' }, S: { Type: 'Succeed' } } });
  });

  it('lets JSONata write integer fields as expressions, JSONPath never', () => {
    ok(one({ Type: 'Wait', Seconds: '{% $states.input.n %}', End: true }, JSONATA));
    expect(errors(one({ Type: 'Wait', Seconds: '{% 5 %}', End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED: Expected value of type [INTEGER] @ /States/X/Seconds']);
    expect(errors(one({ Type: 'Task', Resource: 'f', TimeoutSeconds: 'ten', End: true }, JSONATA))).toEqual(['SCHEMA_VALIDATION_FAILED: Expected value of type [INTEGER] @ /States/X/TimeoutSeconds']);
    expect(errors(one({ Type: 'Task', Resource: 'f', TimeoutSeconds: 0, End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED: Minimum value is 1 @ /States/X/TimeoutSeconds']);
  });
});

describe('Wait, Fail, Map and Task fields', () => {
  it('needs exactly one wait field and an RFC 3339 Timestamp', () => {
    ok(one({ Type: 'Wait', Timestamp: '2016-03-14T01:59:00Z', End: true }));
    expect(errors(one({ Type: 'Wait', End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED: One of the following fields is required: [Seconds, SecondsPath, Timestamp, TimestampPath] @ /States/X']);
    expect(errors(one({ Type: 'Wait', Seconds: 1, TimestampPath: '$.t', End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Seconds, TimestampPath] @ /States/X/Seconds']);
    for (const ts of ['2016-03-14 01:59:00Z', '2016-03-14T01:59:00', '2016-02-30T00:00:00Z', "{% '2016-03-14T01:59:00Z' %}"]) {
      expect(errors(one({ Type: 'Wait', Timestamp: ts, End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp @ /States/X/Timestamp']);
    }
    ok(one({ Type: 'Wait', Timestamp: "{% '2016-03-14T01:59:00Z' %}", End: true }, JSONATA));
  });

  it('refuses both halves of an exclusive pair', () => {
    expect(errors(one({ Type: 'Fail', Error: 'E', ErrorPath: '$.e' }))).toEqual(['SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Error, ErrorPath] @ /States/X/Error']);
    expect(errors(one({ Type: 'Task', Resource: 'f', HeartbeatSeconds: 1, HeartbeatSecondsPath: '$.h', End: true }))[0]).toContain('[HeartbeatSeconds, HeartbeatSecondsPath]');
    const proc = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    expect(errors(one({ Type: 'Map', ItemProcessor: proc, Iterator: proc, End: true }))[0]).toContain('[ItemProcessor, Iterator]');
    expect(errors(one({ Type: 'Map', ItemProcessor: proc, ItemBatcher: { MaxItemsPerBatch: 2, MaxItemsPerBatchPath: '$.n' }, End: true }))[0]).toContain('@ /States/X/ItemBatcher/MaxItemsPerBatch');
  });

  it('needs a Map processor and checks Distributed Map parts', () => {
    expect(errors(one({ Type: 'Map', End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [ItemProcessor] @ /States/X']);
    ok(one({ Type: 'Map', Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true }));
    const proc = { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    expect(errors(one({ Type: 'Map', ItemProcessor: proc, ItemReader: { Resource: 'arn:aws:states:::s3:unknownOperation' }, End: true }))[0]).toMatch(/not recognized.*@ \/States\/X\/ItemReader\/Resource$/);
    expect(errors(one({ Type: 'Map', ItemProcessor: proc, ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'XML' } }, End: true }))[0]).toContain('@ /States/X/ItemReader/ReaderConfig/InputType');
    expect(errors(one({ Type: 'Map', ItemProcessor: { ...proc, ProcessorConfig: { Mode: 'PARALLEL' } }, End: true }))[0]).toContain('[INLINE, DISTRIBUTED] @ /States/X/ItemProcessor/ProcessorConfig/Mode');
  });
});

describe('Task resources and EXPRESS', () => {
  it('classifies resources as AWS does', () => {
    expect(classifyResource('arn:aws:lambda:us-east-1:123456789012:function:fn')).toBe('lambda');
    expect(classifyResource('arn:aws:lambda:us-east-1:123456789012:function:fn:live')).toBe('lambda');
    expect(classifyResource('arn:aws:states:us-east-1:123456789012:activity:act')).toBe('activity');
    for (const r of ['arn:aws:states:::lambda:invoke', 'arn:aws:states:::lambda:invoke.waitForTaskToken', 'arn:aws:states:::http:invoke',
      'arn:aws:states:::states:startExecution.sync:2', 'arn:aws:states:::ecs:runTask.sync', 'arn:aws:states:::aws-sdk:dynamodb:query',
      'arn:aws-us-gov:states:::sqs:sendMessage', 'arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken']) {
      expect(classifyResource(r)).toBe('integration');
    }
    for (const r of ['arn:aws:states:::dynamodb:query', 'arn:aws:states:::lambda:invoke.sync', 'arn:aws:states:::dynamodb:getItem.sync',
      'arn:aws:states:::ecs:runTask.sync:2', 'arn:aws:states:::constructor:toString', 'arn:aws:ecs:us-east-1:123456789012:cluster/x', '']) {
      expect(classifyResource(r)).toBe('unknown');
    }
    expect(classifyResource('myFunction')).toBe('name');
  });

  it('refuses unknown resources with the recorded message', () => {
    expect(errors(one({ Type: 'Task', Resource: 'arn:aws:states:::dynamodb:query', End: true }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: The resource provided arn:aws:states:::dynamodb:query is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. @ /States/X/Resource',
    ]);
    ok(one({ Type: 'Task', Resource: 'my-registered-function', End: true }));
  });

  it('refuses .sync, .waitForTaskToken and activities in EXPRESS machines only', () => {
    const task = (Resource: string) => one({ Type: 'Task', Resource, End: true });
    expect(errors(task('arn:aws:states:::states:startExecution.sync'), { type: 'EXPRESS' })).toEqual([
      "SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration @ /States/X/Resource",
    ]);
    expect(errors(task('arn:aws:states:::sns:publish.waitForTaskToken'), { type: 'EXPRESS' })).toEqual([
      "SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration  @ /States/X/Resource",
    ]);
    expect(errors(task('arn:aws:states:us-east-1:123456789012:activity:a'), { type: 'EXPRESS' })).toEqual([
      'SCHEMA_VALIDATION_FAILED: Express state machine does not support Activity ARN @ /States/X/Resource',
    ]);
    ok(task('arn:aws:states:::states:startExecution.sync'), { type: 'STANDARD' });
    ok(task('arn:aws:states:::lambda:invoke'), { type: 'EXPRESS' });
  });
});

describe('variables and warnings', () => {
  it('checks Assign variable names', () => {
    ok(one({ Type: 'Pass', Assign: { count: 1, 'total.$': '$.n', _x1: 'y' }, End: true }));
    expect(errors(one({ Type: 'Pass', Assign: { 'bad-name': 1, states: 2 }, End: true }))).toEqual([
      "INVALID_VARIABLE_NAME: Invalid variable name 'bad-name': the variable name contains invalid characters. @ /States/X/Assign/bad-name",
      "RESERVED_VARIABLE_NAME: Cannot assign to reserved variable '$states'. @ /States/X/Assign/states",
    ]);
  });

  it('warns (without failing) about paths without ".$" and static Pass results', () => {
    const diags = run(one({ Type: 'Pass', Parameters: { p: '$.a' }, Result: { 'r.$': '$.b' }, End: true }));
    expect(diags.map((d) => [d.severity, d.code, d.location])).toEqual([
      ['WARNING', 'PASS_RESULT_IS_STATIC', '/States/X/Result'],
      ['WARNING', 'NO_DOLLAR', '/States/X/Parameters/p'],
    ]);
  });
});

describe('timeouts and result writers', () => {
  it('needs HeartbeatSeconds below TimeoutSeconds', () => {
    ok(one({ Type: 'Task', Resource: 'f', TimeoutSeconds: 10, HeartbeatSeconds: 5, End: true }));
    expect(errors(one({ Type: 'Task', Resource: 'f', TimeoutSeconds: 10, HeartbeatSeconds: 10, End: true }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: HeartbeatSeconds must be smaller than TimeoutSeconds @ /States/X/HeartbeatSeconds',
    ]);
  });

  it('needs a ResultWriter destination with its parameters, and a complete WriterConfig', () => {
    const proc = { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const map = (ResultWriter: unknown) => one({ Type: 'Map', ItemProcessor: proc, ResultWriter, End: true });
    ok(map({ Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b', Prefix: 'p' }, WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSONL' } }));
    ok(map({ WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSON' } }));
    expect(errors(map({}))).toEqual(['SCHEMA_VALIDATION_FAILED: One of the following fields is required: [Resource, WriterConfig] @ /States/X/ResultWriter']);
    expect(errors(map({ Resource: 'arn:aws:states:::s3:putObject' }))).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [Parameters] @ /States/X/ResultWriter']);
    expect(errors(map({ WriterConfig: { Transformation: 'COMPACT' } }))).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [OutputType] @ /States/X/ResultWriter/WriterConfig']);
  });
});
