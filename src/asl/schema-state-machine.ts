/**
 * The top-level ASL JSON Schema and the bundle of every schema file. `ASL_SCHEMAS` is the source of truth:
 * `scripts/write-schemas.ts` writes each entry to `asl-schemas/<file>`, and a test checks the committed files
 * deep-equal these objects.
 */
import { SCHEMA_BASE, commonSchema, ref } from './schema-common.js';
import { statesSchema } from './schema-states.js';
import { choiceRuleSchema } from './schema-choice.js';
import { mapSchema } from './schema-map.js';

export const stateMachineSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${SCHEMA_BASE}state-machine.json`,
  title: 'Amazon States Language state machine',
  description: 'A state machine definition (JSONPath and JSONata query languages).',
  type: 'object',
  required: ['States', 'StartAt'],
  additionalProperties: false,
  properties: {
    StartAt: ref('common.json', 'stateName'),
    States: ref('states.json', 'states'),
    Comment: ref('common.json', 'comment'),
    Version: { type: 'string', description: 'ASL version, "1.0".' },
    TimeoutSeconds: { type: 'integer', minimum: 0, maximum: 99999999 },
    QueryLanguage: ref('common.json', 'queryLanguage'),
  },
} as const;

/** Every schema file, by file name under `asl-schemas/`. The root schema is `state-machine.json`. */
export const ASL_SCHEMAS = {
  'common.json': commonSchema,
  'states.json': statesSchema,
  'choice-rule.json': choiceRuleSchema,
  'map.json': mapSchema,
  'state-machine.json': stateMachineSchema,
} as const;

export const ROOT_SCHEMA_ID = stateMachineSchema.$id;
