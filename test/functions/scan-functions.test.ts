/** `scanFunctionsDir`: folders with a handler become functions; function.json overrides the defaults. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanFunctionsDir } from '../../src/functions/index.js';
import { FIXTURES, fixture } from './host-helpers.js';

describe('scanFunctionsDir', () => {
  const temps: string[] = [];
  afterEach(() => { for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true }); });
  const temp = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'scan-functions-'));
    temps.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };

  it('detects Node and Python handlers and applies function.json', async () => {
    const specs = await scanFunctionsDir(FIXTURES);
    const byName = Object.fromEntries(specs.map((s) => [s.functionName, s]));
    expect(specs.map((s) => s.functionName)).toEqual([...specs.map((s) => s.functionName)].sort());
    expect(byName['node-basic']).toEqual({ functionName: 'node-basic', dir: fixture('node-basic'), runtime: 'nodejs', handler: 'index.handler' });
    expect(byName['node-cjs']).toMatchObject({ runtime: 'nodejs', handler: 'index.handler' });
    expect(byName['py-basic']).toMatchObject({ runtime: 'python', handler: 'handler.handler' });
    expect(byName['py-lambda-function']).toMatchObject({ runtime: 'python', handler: 'lambda_function.lambda_handler' });
    expect(byName['node-configured']).toEqual({
      functionName: 'node-configured', dir: fixture('node-configured'), runtime: 'nodejs', handler: 'app.main',
      timeoutSeconds: 5, memorySize: 256, environment: { GREETING: 'hi' },
    });
    expect(byName['not-a-function-placeholder']).toBeUndefined();
  });

  it('rejects a bad function.json with the file named', async () => {
    const root = temp({ 'fn/index.mjs': 'export const handler = async () => 1;', 'fn/function.json': '{"timeout": 0}' });
    await expect(scanFunctionsDir(root)).rejects.toThrow(/fn\/function\.json: Timeout must be an integer from 1 to 900/);
    const reserved = temp({ 'fn/handler.py': 'def handler(e, c): pass', 'fn/function.json': '{"environment": {"AWS_REGION": "x"}}' });
    await expect(scanFunctionsDir(reserved)).rejects.toThrow(/reserved keys/);
    const unknown = temp({ 'fn/handler.py': '', 'fn/function.json': '{"memory": 256}' });
    await expect(scanFunctionsDir(unknown)).rejects.toThrow(/unknown field\(s\) memory/);
    const noHandler = temp({ 'fn/function.json': '{"runtime": "python3.12"}' });
    await expect(scanFunctionsDir(noHandler)).rejects.toThrow(/set "runtime" and "handler"/);
  });

  it('accepts a function.json that names runtime and handler for any file layout', async () => {
    const root = temp({ 'worker/src/app.py': 'def go(e, c): return 1', 'worker/function.json': '{"runtime": "python3.12", "handler": "src/app.go"}' });
    expect(await scanFunctionsDir(root)).toEqual([{ functionName: 'worker', dir: join(root, 'worker'), runtime: 'python', handler: 'src/app.go' }]);
  });
});
