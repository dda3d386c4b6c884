/**
 * JSON Schema for states, one definition per state type, selected by `Type`. Each type lists every field it
 * supports in either query language (which language allows which field is a semantic rule); any other field
 * is refused, as AWS refuses it: `Field 'TimeoutSeconds' is not supported` at the state.
 * Written to `asl-schemas/states.json`.
 */
import { SCHEMA_BASE, ref } from './schema-common.js';

const c = (def: string) => ref('common.json', def);

export const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;

const base = {
  Type: { type: 'string' },
  Comment: c('comment'),
  QueryLanguage: c('queryLanguage'),
};
const transition = { Next: c('stateName'), End: { type: 'boolean' } };
const io = { InputPath: c('nullablePath'), OutputPath: c('nullablePath') };
const result = {
  ResultPath: c('nullablePath'),
  ResultSelector: c('payloadTemplate'),
  Output: c('anyValue'),
  Assign: c('assign'),
};
const errors = { Retry: c('retry'), Catch: c('catch') };

/** A state-type definition: its own fields only (`additionalProperties: false`). */
function stateType(type: string, properties: Record<string, unknown>, required: string[] = []) {
  return {
    type: 'object',
    description: `A ${type} state.`,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    properties: { ...base, ...properties },
  };
}

export const statesSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${SCHEMA_BASE}states.json`,
  title: 'ASL states',
  definitions: {
    states: {
      type: 'object',
      description: 'State name → state. Names are at most 80 characters.',
      additionalProperties: { $ref: '#/definitions/state' },
    },
    program: {
      type: 'object',
      description: 'A Parallel branch: a nested state machine with its own scope of state names.',
      required: ['StartAt', 'States'],
      additionalProperties: false,
      properties: {
        StartAt: c('stateName'),
        States: { $ref: '#/definitions/states' },
        Comment: c('comment'),
      },
    },
    state: {
      type: 'object',
      required: ['Type'],
      properties: { Type: { type: 'string', enum: [...STATE_TYPES] } },
      allOf: STATE_TYPES.map((t) => ({
        if: { properties: { Type: { const: t } }, required: ['Type'] },
        then: { $ref: `#/definitions/${t.toLowerCase()}` },
      })),
    },
    pass: stateType('Pass', {
      ...transition,
      ...io,
      Parameters: c('payloadTemplate'),
      Result: c('anyValue'),
      ResultPath: c('nullablePath'),
      Output: c('anyValue'),
      Assign: c('assign'),
    }),
    task: stateType(
      'Task',
      {
        ...transition,
        ...io,
        ...result,
        ...errors,
        Resource: { type: 'string', description: 'A Lambda/activity ARN, an arn:aws:states::: integration or a function name.' },
        Parameters: c('payloadTemplate'),
        Arguments: c('objectOrExpression'),
        TimeoutSeconds: c('positiveSeconds'),
        TimeoutSecondsPath: c('path'),
        HeartbeatSeconds: c('positiveSeconds'),
        HeartbeatSecondsPath: c('path'),
        Credentials: { type: ['object', 'string'], description: 'RoleArn (or RoleArn.$) to assume for the task.' },
      },
      ['Resource'],
    ),
    choice: stateType(
      'Choice',
      {
        ...io,
        Choices: {
          type: 'array',
          minItems: 1,
          items: { allOf: [ref('choice-rule.json', 'rule'), { type: 'object', required: ['Next'] }] },
        },
        Default: c('stateName'),
        Output: c('anyValue'),
        Assign: c('assign'),
      },
      ['Choices'],
    ),
    wait: stateType('Wait', {
      ...transition,
      ...io,
      Seconds: { type: ['integer', 'string'], minimum: 0, maximum: 99999999 },
      SecondsPath: c('path'),
      Timestamp: { type: 'string', description: 'RFC 3339 (JSONPath), or a "{% %}" expression (JSONata).' },
      TimestampPath: c('path'),
      Output: c('anyValue'),
      Assign: c('assign'),
    }),
    succeed: stateType('Succeed', { ...io, Output: c('anyValue') }),
    fail: stateType('Fail', {
      Error: { type: 'string' },
      ErrorPath: { type: 'string' },
      Cause: { type: 'string' },
      CausePath: { type: 'string' },
    }),
    parallel: stateType(
      'Parallel',
      {
        ...transition,
        ...io,
        ...result,
        ...errors,
        Branches: { type: 'array', minItems: 1, items: { $ref: '#/definitions/program' } },
        Parameters: c('payloadTemplate'),
        Arguments: c('objectOrExpression'),
      },
      ['Branches'],
    ),
    map: stateType('Map', {
      ...transition,
      ...io,
      ...result,
      ...errors,
      ItemProcessor: ref('map.json', 'itemProcessor'),
      Iterator: ref('map.json', 'itemProcessor'),
      ItemsPath: c('path'),
      Items: c('anyValue'),
      ItemSelector: c('objectOrExpression'),
      Parameters: c('payloadTemplate'),
      ItemReader: ref('map.json', 'itemReader'),
      ItemBatcher: ref('map.json', 'itemBatcher'),
      ResultWriter: ref('map.json', 'resultWriter'),
      MaxConcurrency: c('nonNegativeInteger'),
      MaxConcurrencyPath: c('path'),
      ToleratedFailureCount: c('nonNegativeInteger'),
      ToleratedFailureCountPath: c('path'),
      ToleratedFailurePercentage: c('percentage'),
      ToleratedFailurePercentagePath: c('path'),
      Label: { type: 'string', maxLength: 40 },
    }),
  },
} as const;
