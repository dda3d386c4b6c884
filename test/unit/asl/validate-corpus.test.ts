/**
 * Every definition of the AWS-recorded conformance corpus: executions must validate cleanly, `validate`
 * cases must give AWS's result and diagnostics, `create_error` InvalidDefinition cases AWS's exact message.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { invalidDefinitionMessage, validateDefinition } from '../../../src/asl/validate.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const casesDir = resolve(repoRoot, '../shared/conformance/cases');

interface Case {
  id: string;
  kind: string;
  file: string;
  definitionText?: string | null;
  stateMachine?: { type?: 'STANDARD' | 'EXPRESS' } | null;
  expected: { error?: string; message?: string; result?: string; diagnostics?: unknown[] };
}

function loadCases(): Case[] {
  const out: Case[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) visit(p);
      else if (name.endsWith('.json') && name !== 'index.json') {
        out.push({ ...(JSON.parse(readFileSync(p, 'utf8')) as Case), file: p.slice(dir.length) });
      }
    }
  };
  visit(casesDir);
  return out;
}

const present = existsSync(casesDir);
if (!present) console.warn(`validate-corpus: ${casesDir} not found; corpus tests skipped`);
const cases = present ? loadCases().filter((c) => typeof c.definitionText === 'string') : [];
const typeOf = (c: Case) => c.stateMachine?.type ?? 'STANDARD';
/** Definitions AWS accepted: everything except InvalidDefinition create errors and validate cases. */
const accepted = cases.filter(
  (c) => ['execution', 'sync_execution', 'start_error', 'update_error'].includes(c.kind) ||
    (c.kind === 'create_error' && c.expected.error !== 'InvalidDefinition'),
);

describe.skipIf(!present)('conformance corpus definitions', () => {
  it('has cases to check', () => {
    expect(accepted.length).toBeGreaterThan(600);
  });

  it('accepts every definition AWS accepted (no false rejections)', () => {
    const rejected = accepted
      .map((c) => ({ id: c.id, errors: validateDefinition(c.definitionText!, { type: typeOf(c) }).filter((d) => d.severity === 'ERROR') }))
      .filter((r) => r.errors.length > 0);
    expect(rejected).toEqual([]);
  });

  const validateCases = cases.filter((c) => c.kind === 'validate');
  it.each(validateCases.map((c) => [c.id, c] as const))('validate %s', (_id, c) => {
    const diagnostics = validateDefinition(c.definitionText!, { type: typeOf(c) });
    const result = diagnostics.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK';
    expect(result).toBe(c.expected.result);
    expect(diagnostics.map((d) => d.code)).toEqual((c.expected.diagnostics as { code: string }[]).map((d) => d.code));
    expect(diagnostics).toEqual(c.expected.diagnostics);
  });

  const createCases = cases.filter((c) => c.kind === 'create_error' && c.expected.error === 'InvalidDefinition');
  it.each(createCases.map((c) => [c.id, c] as const))('create_error %s', (_id, c) => {
    const diagnostics = validateDefinition(c.definitionText!, { type: typeOf(c) });
    expect(diagnostics.some((d) => d.severity === 'ERROR')).toBe(true);
    // The recordings replaced the partition with a placeholder.
    expect(invalidDefinitionMessage(diagnostics).replace(/arn:aws:/g, 'arn:<partition>:')).toBe(c.expected.message);
  });
});
