// Dev check: runs each recorded AWS choice_operators case's single Choice rule against its input. Skipped when
// the conformance corpus is not next to the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateChoiceRule } from '../../../src/asl/choice.js';
import type { ChoiceRule } from '../../../src/asl/types.js';

const DIR = '/work/shared/conformance/cases/choice_operators';
const cases = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];

describe.skipIf(cases.length === 0)('choice rules vs AWS recordings', () => {
  it('every recorded single-rule Choice case picks the branch AWS picked', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const f of cases) {
      const c = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
      const states = c.definition?.States ?? {};
      const choice = Object.values(states).find((s: any) => s.Type === 'Choice') as any;
      const out = c.expected?.output;
      if (!choice || choice.Choices.length !== 1 || !out || typeof out['TestResult.$'] !== 'string') continue;
      const input = c.execution?.input ?? {};
      const matched = evaluateChoiceRule(choice.Choices[0] as ChoiceRule, { input, context: {}, variables: {} });
      const branch = matched ? choice.Choices[0].Next : choice.Default;
      checked++;
      if (states[branch]?.Result?.['TestResult.$'] !== out['TestResult.$']) wrong.push(f);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });
});
