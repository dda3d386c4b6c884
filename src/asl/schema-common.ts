/**
 * JSON Schema (draft-07) building blocks shared by every state: paths, payload templates, numbers that may
 * be JSONata expressions, Retry and Catch. Written to `asl-schemas/common.json` by `scripts/write-schemas.ts`.
 *
 * The schema checks shape (types, required fields, fields a state type does not support, enums, ranges).
 * What a JSON schema cannot see — the effective query language (inherited from the top level), path and
 * JSONata syntax, transition targets — is checked by the `validate-*.ts` rules.
 */
export const SCHEMA_BASE = 'https://asl-service.dev/schemas/';

/** `$ref` to a definition in one of the schema files. */
export function ref(file: string, def: string): { $ref: string } {
  return { $ref: `${SCHEMA_BASE}${file}#/definitions/${def}` };
}

/** AWS's upper bound for TimeoutSeconds/HeartbeatSeconds/IntervalSeconds/MaxAttempts (ASL quotas). */
const MAX_SECONDS = 99999999;

export const commonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${SCHEMA_BASE}common.json`,
  title: 'ASL common definitions',
  definitions: {
    comment: { type: 'string', description: 'A human-readable description.' },
    queryLanguage: {
      type: 'string',
      enum: ['JSONPath', 'JSONata'],
      description: 'JSONPath (default) or JSONata; a state may upgrade JSONPath to JSONata, never the reverse.',
    },
    stateName: { type: 'string', description: 'The name of a state in the same States object.' },
    jsonataExpression: {
      type: 'string',
      pattern: '^\\{%[\\s\\S]*%\\}$',
      description: 'A JSONata expression: "{% <expression> %}".',
    },
    path: { type: 'string', description: 'A JSONPath (JSONPath query language only).' },
    nullablePath: {
      type: ['string', 'null'],
      description: 'A path, or null (InputPath/OutputPath: {} input; ResultPath: discard the result).',
    },
    payloadTemplate: {
      type: 'object',
      description: 'Parameters/ResultSelector/ItemSelector: keys ending in ".$" take a path or an intrinsic call.',
    },
    assign: { type: 'object', description: 'Workflow variables to set; values may use JSONPath/JSONata.' },
    anyValue: { description: 'Any JSON value; in JSONata states strings may hold {% %} expressions.' },
    objectOrExpression: {
      type: ['object', 'string'],
      description: 'A JSON object, or (JSONata) a "{% %}" expression producing one.',
    },
    positiveSeconds: {
      type: ['integer', 'string'],
      minimum: 1,
      maximum: MAX_SECONDS,
      description: 'A positive integer, or (JSONata) a "{% %}" expression.',
    },
    nonNegativeInteger: {
      type: ['integer', 'string'],
      minimum: 0,
      description: 'A non-negative integer, or (JSONata) a "{% %}" expression.',
    },
    percentage: {
      type: ['number', 'string'],
      minimum: 0,
      maximum: 100,
      description: 'A number in [0, 100], or (JSONata) a "{% %}" expression.',
    },
    errorEquals: {
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
      description: 'Error names; States.ALL must be alone and in the last retrier/catcher.',
    },
    retrier: {
      type: 'object',
      required: ['ErrorEquals'],
      additionalProperties: false,
      properties: {
        ErrorEquals: { $ref: '#/definitions/errorEquals' },
        IntervalSeconds: { type: 'integer', minimum: 1, maximum: MAX_SECONDS },
        MaxAttempts: { type: 'integer', minimum: 0, maximum: MAX_SECONDS },
        BackoffRate: { type: 'number', minimum: 1 },
        MaxDelaySeconds: { type: 'integer', minimum: 1, maximum: 31622400 },
        JitterStrategy: { type: 'string', enum: ['FULL', 'NONE'] },
        Comment: { $ref: '#/definitions/comment' },
      },
    },
    retry: { type: 'array', items: { $ref: '#/definitions/retrier' } },
    catcher: {
      type: 'object',
      required: ['ErrorEquals', 'Next'],
      additionalProperties: false,
      properties: {
        ErrorEquals: { $ref: '#/definitions/errorEquals' },
        Next: { $ref: '#/definitions/stateName' },
        ResultPath: { $ref: '#/definitions/nullablePath' },
        Output: { $ref: '#/definitions/anyValue' },
        Assign: { $ref: '#/definitions/assign' },
        Comment: { $ref: '#/definitions/comment' },
      },
    },
    catch: { type: 'array', items: { $ref: '#/definitions/catcher' } },
    timestamp: {
      type: 'string',
      format: 'date-time',
      description: 'An RFC 3339 date-time with "T" and an explicit zone, e.g. 2016-03-14T01:59:00Z.',
    },
  },
} as const;
