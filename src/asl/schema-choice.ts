/**
 * JSON Schema for Choice rules (ASL "Choice Rules"): a comparison (`Variable` + one operator), a boolean
 * combination (`And`/`Or`/`Not`) or, in JSONata, a `Condition`. The schema types every operand; "exactly
 * one operator" and "Next only at the top level" are semantic rules. Written to `asl-schemas/choice-rule.json`.
 */
import { SCHEMA_BASE, ref } from './schema-common.js';

const c = (def: string) => ref('common.json', def);

const COMPARATORS = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'] as const;

/** Operand schema of each literal comparison operator. */
export const CHOICE_OPERATORS: Record<string, unknown> = {
  ...Object.fromEntries(COMPARATORS.map((k) => [`String${k}`, { type: 'string' }])),
  StringMatches: { type: 'string', description: 'A pattern where * matches any run of characters; \\* and \\\\ escape.' },
  ...Object.fromEntries(COMPARATORS.map((k) => [`Numeric${k}`, { type: 'number' }])),
  BooleanEquals: { type: 'boolean' },
  ...Object.fromEntries(COMPARATORS.map((k) => [`Timestamp${k}`, c('timestamp')])),
  IsNull: { type: 'boolean' },
  IsPresent: { type: 'boolean' },
  IsNumeric: { type: 'boolean' },
  IsString: { type: 'boolean' },
  IsBoolean: { type: 'boolean' },
  IsTimestamp: { type: 'boolean' },
};

/** The `*Path` operators: the operand is a reference path to compare against. */
export const CHOICE_PATH_OPERATORS: string[] = [
  ...COMPARATORS.map((k) => `String${k}Path`),
  ...COMPARATORS.map((k) => `Numeric${k}Path`),
  'BooleanEqualsPath',
  ...COMPARATORS.map((k) => `Timestamp${k}Path`),
];

/** Every comparison operator name (literal and path forms). */
export const ALL_CHOICE_OPERATORS: string[] = [...Object.keys(CHOICE_OPERATORS), ...CHOICE_PATH_OPERATORS];

export const choiceRuleSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${SCHEMA_BASE}choice-rule.json`,
  title: 'ASL Choice rule',
  definitions: {
    rule: {
      type: 'object',
      additionalProperties: false,
      properties: {
        Variable: { type: 'string', description: 'JSONPath: the reference path whose value is compared.' },
        And: { type: 'array', minItems: 1, items: { $ref: '#/definitions/rule' } },
        Or: { type: 'array', minItems: 1, items: { $ref: '#/definitions/rule' } },
        Not: { $ref: '#/definitions/rule' },
        Condition: {
          type: ['string', 'boolean'],
          description: 'JSONata only: a "{% %}" expression (or boolean) that selects this rule.',
        },
        Next: c('stateName'),
        Assign: c('assign'),
        Output: c('anyValue'),
        Comment: c('comment'),
        ...CHOICE_OPERATORS,
        ...Object.fromEntries(CHOICE_PATH_OPERATORS.map((k) => [k, c('path')])),
      },
    },
  },
} as const;
