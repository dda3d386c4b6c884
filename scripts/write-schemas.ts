/**
 * Writes the ASL JSON Schemas (source of truth: `src/asl/schema-*.ts`) to `asl-schemas/*.json`.
 * Run `npx tsx scripts/write-schemas.ts` after changing a schema; `test/unit/asl/schema-files.test.ts` fails
 * while the committed files differ from the TypeScript objects.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASL_SCHEMAS } from '../src/asl/schema-state-machine.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'asl-schemas');
mkdirSync(outDir, { recursive: true });
for (const [file, schema] of Object.entries(ASL_SCHEMAS)) {
  writeFileSync(join(outDir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote asl-schemas/${file}`);
}
