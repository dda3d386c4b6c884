/**
 * JSON Schema for the Map state's sub-objects: ItemProcessor (and its deprecated spelling Iterator) with
 * ProcessorConfig, ItemReader, ItemBatcher and ResultWriter (Distributed Map). Written to `asl-schemas/map.json`.
 */
import { SCHEMA_BASE, ref } from './schema-common.js';

const c = (def: string) => ref('common.json', def);

export const mapSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${SCHEMA_BASE}map.json`,
  title: 'ASL Map state parts',
  definitions: {
    itemProcessor: {
      type: 'object',
      description: 'The program run for each item. It is not a state: it carries no QueryLanguage.',
      required: ['StartAt', 'States'],
      additionalProperties: false,
      properties: {
        StartAt: c('stateName'),
        States: ref('states.json', 'states'),
        Comment: c('comment'),
        ProcessorConfig: {
          type: 'object',
          additionalProperties: false,
          properties: {
            Mode: { type: 'string', enum: ['INLINE', 'DISTRIBUTED'] },
            ExecutionType: { type: 'string', enum: ['STANDARD', 'EXPRESS'] },
          },
        },
      },
    },
    itemReader: {
      type: 'object',
      description: 'Distributed Map: where the items come from (S3 objects, a CSV/JSON/JSONL/Parquet file, a manifest).',
      required: ['Resource'],
      additionalProperties: false,
      properties: {
        Resource: { type: 'string' },
        Parameters: c('payloadTemplate'),
        Arguments: c('objectOrExpression'),
        ReaderConfig: {
          type: 'object',
          additionalProperties: false,
          properties: {
            InputType: { type: 'string', enum: ['CSV', 'JSON', 'JSONL', 'MANIFEST', 'PARQUET'] },
            CSVHeaderLocation: { type: 'string', enum: ['FIRST_ROW', 'GIVEN'] },
            CSVHeaders: { type: 'array', items: { type: 'string' } },
            CSVDelimiter: { type: 'string', enum: ['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB'] },
            ManifestType: { type: 'string', enum: ['ATHENA_DATA', 'S3_INVENTORY'] },
            MaxItems: { type: ['integer', 'string'], minimum: 0, maximum: 100000000 },
            MaxItemsPath: c('path'),
          },
        },
      },
    },
    itemBatcher: {
      type: 'object',
      description: 'Distributed Map: groups items into batches.',
      additionalProperties: false,
      properties: {
        MaxItemsPerBatch: c('nonNegativeInteger'),
        MaxItemsPerBatchPath: c('path'),
        MaxInputBytesPerBatch: c('nonNegativeInteger'),
        MaxInputBytesPerBatchPath: c('path'),
        BatchInput: c('objectOrExpression'),
      },
    },
    resultWriter: {
      type: 'object',
      description: 'Distributed Map: where the results are written (S3) and how they are shaped.',
      additionalProperties: false,
      properties: {
        Resource: { type: 'string' },
        Parameters: c('payloadTemplate'),
        Arguments: c('objectOrExpression'),
        WriterConfig: {
          type: 'object',
          required: ['Transformation', 'OutputType'],
          additionalProperties: false,
          properties: {
            Transformation: { type: 'string', enum: ['NONE', 'COMPACT', 'FLATTEN'] },
            OutputType: { type: 'string', enum: ['JSON', 'JSONL'] },
          },
        },
      },
    },
  },
} as const;
