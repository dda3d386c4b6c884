// Dev check: evaluates each recorded AWS intrinsic_functions case (a single Pass state with Parameters) through
// applyPayloadTemplate and compares with AWS's output. Skipped when the conformance corpus is absent.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPayloadTemplate } from '../../../src/asl/payload-template.js';
import { createPrng } from '../../../src/asl/prng.js';

const DIR = '/work/shared/conformance/cases/intrinsic_functions';
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
// Key order is not part of the comparison (the recordings were normalised).
const canon = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
const hash = (alg: string, text: string) => createHash(alg.replace('-', '').toLowerCase()).update(text).digest('hex');

describe.skipIf(files.length === 0)('intrinsics vs AWS recordings', () => {
  it('reproduces every single-Pass JSONPath case that does not read the Context object', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const f of files) {
      const c = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
      const states = Object.values(c.definition?.States ?? {}) as any[];
      if (states.length !== 1 || states[0].Type !== 'Pass' || !states[0].Parameters) continue;
      if (c.definitionText?.includes('$$') || c.expected?.status !== 'SUCCEEDED') continue;
      const out = applyPayloadTemplate(states[0].Parameters, {
        input: c.execution?.input ?? {}, context: {}, variables: {}, rng: createPrng(1), hash,
      });
      checked++;
      if (canon(out) !== canon(c.expected.output)) wrong.push(`${f}: ${JSON.stringify(out)}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(80);
  });
});
