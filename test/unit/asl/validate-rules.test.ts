/** validateDefinition: structure, transitions, query languages, Choice/Retry/Catch rules (ASL spec examples). */
import { describe, expect, it } from 'vitest';
import { invalidDefinitionMessage, validateDefinition } from '../../../src/asl/validate.js';

type Opts = { type?: 'STANDARD' | 'EXPRESS' };
const run = (def: unknown, opts: Opts = {}) => validateDefinition(JSON.stringify(def), opts);
const errors = (def: unknown, opts: Opts = {}) =>
  run(def, opts).filter((d) => d.severity === 'ERROR').map((d) => `${d.code}: ${d.message} @ ${d.location ?? '-'}`);
const sm = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ StartAt: Object.keys(states)[0], States: states, ...extra });
const ok = (def: unknown, opts: Opts = {}) => expect(errors(def, opts)).toEqual([]);

describe('structure (schema)', () => {
  it('accepts the ASL spec Hello World and refuses unknown fields at their object', () => {
    ok({ Comment: 'A simple minimal example', StartAt: 'Hello World', States: { 'Hello World': { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:HelloWorld', End: true } } });
    expect(errors(sm({ A: { Type: 'Pass', End: true, TimeoutSeconds: 5 } }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported @ /States/A",
    ]);
    expect(errors(sm({ A: { Type: 'Wait', Seconds: 1, End: true, Retry: [] } }))).toEqual(["SCHEMA_VALIDATION_FAILED: Field 'Retry' is not supported @ /States/A"]);
  });

  it('reports missing fields, wrong types, enums and ranges in AWS wording', () => {
    expect(errors({ States: {} })).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] @ /']);
    expect(errors(sm({ A: { End: true } }))).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [Type] @ /States/A']);
    expect(errors(sm({ A: { Type: 'Sleep', End: true } }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: Value should be one of the following: [Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map] @ /States/A/Type',
    ]);
    expect(errors(sm({ A: { Type: 'Pass', End: true } }, { QueryLanguage: 5 }))).toEqual(['SCHEMA_VALIDATION_FAILED: Expected value of type [STRING] @ /QueryLanguage']);
    expect(errors(sm({ M: { Type: 'Map', MaxConcurrency: -1, ToleratedFailurePercentage: 101, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: Minimum value is 0 @ /States/M/MaxConcurrency',
      'SCHEMA_VALIDATION_FAILED: Maximum value is 100.0 @ /States/M/ToleratedFailurePercentage',
    ]);
    expect(errors(sm({ T: { Type: 'Task', Resource: 'f', Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'SOME', BackoffRate: 0.5, MaxDelaySeconds: 0 }], End: true } }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: Minimum value is 1.0 @ /States/T/Retry[0]/BackoffRate',
      'SCHEMA_VALIDATION_FAILED: Minimum value is 1 @ /States/T/Retry[0]/MaxDelaySeconds',
      'SCHEMA_VALIDATION_FAILED: Value should be one of the following: [FULL, NONE] @ /States/T/Retry[0]/JitterStrategy',
    ]);
  });

  it('accepts every state type with its current fields', () => {
    ok(sm({
      P: { Type: 'Pass', Result: { a: 1 }, ResultPath: '$.r', Assign: { v: 1 }, Next: 'T' },
      T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName': 'f', 'Payload.$': '$' }, ResultSelector: { 'p.$': '$.Payload' }, TimeoutSecondsPath: '$.t', HeartbeatSeconds: 5, Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1.5, MaxDelaySeconds: 10, JitterStrategy: 'FULL' }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F', ResultPath: '$.err' }], Next: 'W' },
      W: { Type: 'Wait', TimestampPath: '$.when', Next: 'C' },
      C: { Type: 'Choice', Choices: [{ Not: { Variable: '$.x', IsPresent: true }, Next: 'Par' }], Default: 'S' },
      Par: { Type: 'Parallel', Branches: [{ StartAt: 'B1', States: { B1: { Type: 'Succeed' } } }], Next: 'M' },
      M: { Type: 'Map', ItemsPath: '$.items', ItemSelector: { 'v.$': '$$.Map.Item.Value' }, MaxConcurrencyPath: '$.n', ToleratedFailurePercentage: 5.5, Label: 'L', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k' } }, ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b' } }, Next: 'S' },
      S: { Type: 'Succeed' },
      F: { Type: 'Fail', ErrorPath: '$.err.Error', CausePath: "States.Format('cause: {}', $.err.Cause)" },
    }, { Version: '1.0', TimeoutSeconds: 60 }));
  });
});

describe('transitions', () => {
  it('needs exactly one of Next and End on transitioning states', () => {
    expect(errors(sm({ A: { Type: 'Pass' } }))).toEqual(['SCHEMA_VALIDATION_FAILED: One of the following fields is required: [Next, End] @ /States/A']);
    expect(errors(sm({ A: { Type: 'Pass', Next: 'B', End: true }, B: { Type: 'Succeed' } }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Next, End] @ /States/A',
    ]);
    expect(errors(sm({ A: { Type: 'Succeed', Next: 'A' } }))).toEqual(["SCHEMA_VALIDATION_FAILED: Field 'Next' is not supported @ /States/A"]);
  });

  it('reports dangling targets with AWS locations and wording', () => {
    expect(errors({ StartAt: 'Nope', States: { A: { Type: 'Pass', End: true } } })).toEqual([
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope @ /StartAt",
      'MISSING_TRANSITION_TARGET: State "A" is not reachable. @ /States/A',
    ]);
    expect(errors(sm({
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsNull: false, Next: 'Ghost' }], Default: 'Ghost2' },
      T: { Type: 'Task', Resource: 'f', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ghost3' }], End: true },
    }))).toEqual([
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Ghost @ /States/C/Choices[0]/Next",
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Ghost2 @ /States/C/Default",
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Ghost3 @ /States/T/Catch[0]/Next",
      'MISSING_TRANSITION_TARGET: State "T" is not reachable. @ /States/T',
    ]);
  });

  it('keeps each Parallel branch and Map processor a separate scope', () => {
    expect(errors(sm({ P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Next: 'After' } } }], Next: 'After' }, After: { Type: 'Succeed' } }))).toEqual([
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: After @ /States/P/Branches[0]/States/B/Next",
    ]);
    expect(errors(sm({ M: { Type: 'Map', ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Pass', End: true }, Ghost: { Type: 'Pass', End: true } } }, End: true } }))).toEqual([
      'MISSING_TRANSITION_TARGET: State "Ghost" is not reachable. @ /States/M/ItemProcessor/States/Ghost',
    ]);
  });

  it('needs a terminal state at the top level only, which suppresses the reachability walk there', () => {
    const loop = { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } };
    expect(errors(sm({ ...loop, Unused: { Type: 'Pass', Next: 'A' } }))).toEqual(['MISSING_END_STATE: Workflow has no terminal state @ -']);
    expect(errors(sm({ ...loop, C: { Type: 'Pass', End: true } }))).toEqual(['MISSING_TRANSITION_TARGET: State "C" is not reachable. @ /States/C']);
    ok(sm({ M: { Type: 'Map', ItemProcessor: { StartAt: 'A', States: loop }, End: true } }));
  });

  it('refuses duplicate state names across scopes and over-long names', () => {
    expect(errors(sm({ P: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Succeed' } } }, { StartAt: 'X', States: { X: { Type: 'Succeed' } } }], End: true } }))).toEqual([
      'DUPLICATE_STATE_NAME: Duplicate State name: X @ /States/P/Branches[1]/States/X',
    ]);
    expect(errors(sm({ ['n'.repeat(81)]: { Type: 'Succeed' } }))[0]).toMatch(/^INVALID_STATE_NAME/);
    ok(sm({ ['n'.repeat(80)]: { Type: 'Succeed' } }));
  });

  it('renders CreateStateMachine messages, joining several errors with ", " and a missing location as null', () => {
    const loop = run(sm({ A: { Type: 'Pass', Next: 'NOPE' } }));
    expect(invalidDefinitionMessage(loop)).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: NOPE at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state at null'",
    );
    expect(invalidDefinitionMessage(run({ StartAt: 'A' }))).toBe("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'");
  });
});

describe('query languages', () => {
  it('allows JSONata-only fields only in JSONata states and JSONPath-only fields only in JSONPath states', () => {
    expect(errors(sm({ T: { Type: 'Task', Resource: 'f', Arguments: { a: 1 }, End: true } }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Arguments' is only supported for the 'JSONata' QueryLanguage @ /States/T",
    ]);
    expect(errors(sm({ X: { Type: 'Pass', InputPath: '$.a', End: true } }, { QueryLanguage: 'JSONata' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage @ /States/X",
    ]);
    ok(sm({ X: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { v: '{% 1 + 1 %}' }, End: true } }));
    ok(sm({ X: { Type: 'Pass', Assign: { counter: 1 }, End: true } }));
  });

  it('refuses a JSONPath state in a JSONata machine, and nothing else about that state', () => {
    expect(errors(sm({ X: { Type: 'Pass', QueryLanguage: 'JSONPath', Output: 1, End: true } }, { QueryLanguage: 'JSONata' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine @ /States/X",
    ]);
  });

  it("makes nested states inherit the machine's language, not the enclosing state's", () => {
    const map = (inner: Record<string, unknown>) => sm({ M: { Type: 'Map', QueryLanguage: 'JSONata', Items: '{% [1] %}', ItemProcessor: { StartAt: 'P', States: { P: inner } }, End: true } });
    expect(errors(map({ Type: 'Pass', Output: 1, End: true }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage @ /States/M/ItemProcessor/States/P",
    ]);
    ok(map({ Type: 'Pass', QueryLanguage: 'JSONata', Output: 1, End: true }));
    expect(errors(sm({ M: { Type: 'Map', ItemProcessor: { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: Field 'QueryLanguage' is not supported @ /States/M/ItemProcessor",
    ]);
  });

  it('treats any QueryLanguage other than exactly "JSONPath" as JSONata, and reports the enum', () => {
    expect(errors(sm({ X: { Type: 'Pass', QueryLanguage: 'jsonata', InputPath: '$.a', End: true } }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: Value should be one of the following: [JSONPath, JSONata] @ /States/X/QueryLanguage',
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage @ /States/X",
    ]);
  });

  it('checks catchers and Choice rules against the language', () => {
    expect(errors(sm({ T: { Type: 'Task', Resource: 'f', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S', ResultPath: '$.e' }], Next: 'S' }, S: { Type: 'Succeed' } }, { QueryLanguage: 'JSONata' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage @ /States/T/Catch[0]",
    ]);
    expect(errors(sm({ C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsNull: true, Next: 'S' }], Default: 'S' }, S: { Type: 'Succeed' } }, { QueryLanguage: 'JSONata' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'Variable' is only supported for the 'JSONPath' QueryLanguage @ /States/C/Choices[0]",
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'IsNull' is only supported for the 'JSONPath' QueryLanguage @ /States/C/Choices[0]",
      'SCHEMA_VALIDATION_FAILED: These fields are required: [Condition] @ /States/C/Choices[0]',
    ]);
    ok(sm({ C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.x > 1 %}', Next: 'S', Output: { a: 1 } }], Default: 'S' }, S: { Type: 'Succeed' } }, { QueryLanguage: 'JSONata' }));
    expect(errors(sm({ C: { Type: 'Choice', Choices: [{ Condition: true, Next: 'S' }], Default: 'S' }, S: { Type: 'Succeed' } }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage @ /States/C/Choices[0]",
    ]);
  });
});

describe('Choice, Retry and Catch rules', () => {
  const choice = (rules: unknown[]) => sm({ C: { Type: 'Choice', Choices: rules, Default: 'S' }, S: { Type: 'Succeed' } });

  it('needs exactly one operator with a Variable, or one of And/Or/Not', () => {
    ok(choice([{ Or: [{ Variable: '$.a', NumericGreaterThanPath: '$.b' }, { Variable: '$.c', StringMatches: 'log-*.txt' }], Next: 'S' }]));
    expect(errors(choice([{ Variable: '$.x', StringEquals: 'a', NumericEquals: 1, Next: 'S' }]))).toEqual([
      'SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [StringEquals, NumericEquals] @ /States/C/Choices[0]',
    ]);
    expect(errors(choice([{ StringEquals: 'a', Next: 'S' }]))).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [Variable] @ /States/C/Choices[0]']);
    expect(errors(choice([{ Next: 'S' }]))).toEqual(['SCHEMA_VALIDATION_FAILED: One of the following fields is required: [Variable, And, Or, Not] @ /States/C/Choices[0]']);
    expect(errors(choice([{ Variable: '$.x', IsPresent: true }]))).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [Next] @ /States/C/Choices[0]']);
    expect(errors(choice([{ And: [{ Variable: '$.x', IsString: true, Next: 'S' }], Next: 'S' }]))).toEqual([
      "SCHEMA_VALIDATION_FAILED: Field 'Next' is not supported @ /States/C/Choices[0]/And[0]",
    ]);
    expect(errors(choice([{ Variable: '$.x', NumericEquals: '1', Next: 'S' }]))).toEqual(['SCHEMA_VALIDATION_FAILED: Expected value of type [NUMBER] @ /States/C/Choices[0]/NumericEquals']);
    expect(errors(choice([{ Variable: '$.t', TimestampEquals: '2016-13-01T00:00:00Z', Next: 'S' }]))).toEqual([
      'SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp @ /States/C/Choices[0]/TimestampEquals',
    ]);
  });

  it('needs Reference Paths in Variable and *Path operands', () => {
    expect(errors(choice([{ Variable: 'x', StringEqualsPath: '$.list[*]', Next: 'S' }]))).toEqual([
      "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path didn't start with '$' @ /States/C/Choices[0]/Variable",
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path can only use a name or an index in brackets (position 6) @ /States/C/Choices[0]/StringEqualsPath',
    ]);
    ok(choice([{ Variable: '$$.Execution.Input.x', BooleanEqualsPath: '$myVar', Next: 'S' }]));
  });

  it('puts States.ALL alone and last', () => {
    ok(sm({ T: { Type: 'Task', Resource: 'f', Retry: [{ ErrorEquals: ['A', 'B'] }, { ErrorEquals: ['States.ALL'] }], End: true } }));
    expect(errors(sm({ T: { Type: 'Task', Resource: 'f', Retry: [{ ErrorEquals: ['States.ALL', 'X'] }, { ErrorEquals: ['Y'] }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'T' }, { ErrorEquals: ['Z'], Next: 'T' }], End: true } }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone in 'ErrorEquals' @ /States/T/Retry[0]/ErrorEquals",
      "SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear in the last retrier @ /States/T/Retry[0]/ErrorEquals",
      "SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear in the last catcher @ /States/T/Catch[0]/ErrorEquals",
    ]);
    expect(errors(sm({ T: { Type: 'Task', Resource: 'f', Retry: [{ ErrorEquals: [] }], End: true } }))).toEqual(['SCHEMA_VALIDATION_FAILED: Minimum number of items is 1 @ /States/T/Retry[0]/ErrorEquals']);
  });
});

describe('nested JSONata rules in JSONPath states', () => {
  it('reports a Condition at any depth once', () => {
    const def = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Not: { Condition: '{% true %}' }, Next: 'S' }, { Condition: true, Next: 'S' }], Default: 'S' }, S: { Type: 'Succeed' } } };
    expect(errors(def)).toEqual([
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage @ /States/C/Choices[1]",
      "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage @ /States/C/Choices[0]/Not",
    ]);
  });
});
