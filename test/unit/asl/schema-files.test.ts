/** The committed asl-schemas/*.json are exactly the TypeScript schema objects, and load in stock ajv. */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ASL_SCHEMAS, ROOT_SCHEMA_ID } from '../../../src/asl/schema-state-machine.js';

const schemaDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../asl-schemas');
const readSchema = (file: string): unknown => JSON.parse(readFileSync(resolve(schemaDir, file), 'utf8'));
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

describe('asl-schemas files', () => {
  it.each(Object.keys(ASL_SCHEMAS))('%s deep-equals its TypeScript source (run scripts/write-schemas.ts)', (file) => {
    expect(readSchema(file)).toEqual(JSON.parse(JSON.stringify(ASL_SCHEMAS[file as keyof typeof ASL_SCHEMAS])));
  });

  it('has no stray schema files', () => {
    const onDisk = readdirSync(schemaDir).filter((f) => f.endsWith('.json')).sort();
    expect(onDisk).toEqual(Object.keys(ASL_SCHEMAS).sort());
  });

  it('loads in ajv 8 with ajv-formats and validates definitions', () => {
    const ajv = addFormats(new Ajv({ allErrors: true, allowUnionTypes: true }));
    for (const file of Object.keys(ASL_SCHEMAS)) if (file !== 'state-machine.json') ajv.addSchema(readSchema(file) as object);
    const validate = ajv.compile(readSchema('state-machine.json') as object);
    expect(validate.schema).toMatchObject({ $id: ROOT_SCHEMA_ID });
    const good = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' } },
          ItemBatcher: { MaxItemsPerBatch: 10 },
          ToleratedFailurePercentage: 5,
          Label: 'batch',
          Next: 'C',
        },
        C: { Type: 'Choice', Choices: [{ Variable: '$.t', TimestampLessThan: '2016-03-14T01:59:00Z', Next: 'F' }], Default: 'F' },
        F: { Type: 'Fail', ErrorPath: '$.e', CausePath: '$.c' },
      },
    };
    expect(validate(good)).toBe(true);
    expect(validate({ StartAt: 'A', States: { A: { Type: 'Pass', End: true, Retry: [] } } })).toBe(false);
    expect(validate({ StartAt: 'A', States: { A: { Type: 'Choice', Choices: [{ Variable: '$.t', TimestampEquals: 'yesterday', Next: 'A' }] } } })).toBe(false);
  });

  it('covers every state type and the current ASL fields', () => {
    const text = JSON.stringify(ASL_SCHEMAS);
    for (const name of ['Assign', 'Arguments', 'Output', 'Items', 'Condition', 'ItemProcessor', 'ProcessorConfig', 'Iterator',
      'ItemsPath', 'ItemSelector', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailureCountPath',
      'ToleratedFailurePercentagePath', 'Label', 'MaxConcurrencyPath', 'MaxDelaySeconds', 'JitterStrategy', 'ErrorPath',
      'CausePath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'Credentials', 'Version', 'QueryLanguage', 'ExecutionType']) {
      expect(text).toContain(`"${name}"`);
    }
  });
});
