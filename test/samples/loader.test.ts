/**
 * The samples loader on a scratch samples folder: idempotent across loads and restarts on the same database,
 * changed definitions updated in place, broken samples logged and skipped, top-level *.asl.json loaded too.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSamples } from '../../src/cli/samples.js';
import { createService, type Service } from '../../src/service/service.js';

const SAMPLES = join(import.meta.dirname, '../../samples');
let tmp = '';
let dir = '';
let db = '';
const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { top: true }, End: true } } });

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'asl-loader-'));
  dir = join(tmp, 'samples');
  db = join(tmp, 'db.sqlite');
  cpSync(join(SAMPLES, 'hello-world-node'), join(dir, 'hello-world-node'), { recursive: true });
  write(join(dir, 'top-level.asl.json'), PASS);
  write(join(dir, 'broken-top.asl.json'), JSON.stringify({ StartAt: 'X', States: {} }));
  // Broken in five different ways (zz- sorts after the sample whose function it redefines); none may stop the others from loading.
  write(join(dir, 'bad-json/statemachine.asl.json'), '{ "StartAt": ');
  write(join(dir, 'bad-definition/statemachine.asl.json'), JSON.stringify({ StartAt: 'Nowhere', States: { P: { Type: 'Pass', End: true } } }));
  write(join(dir, 'bad-function/statemachine.asl.json'), PASS);
  write(join(dir, 'bad-function/functions/f1/index.mjs'), 'export const handler = async () => 1;');
  write(join(dir, 'bad-function/functions/f1/function.json'), '{"runtime": "cobol"}');
  write(join(dir, 'zz-dup-function/statemachine.asl.json'), PASS);
  write(join(dir, 'zz-dup-function/functions/hello-node/index.mjs'), 'export const handler = async () => "impostor";');
  write(join(dir, 'no-definition/README.md'), 'nothing to load');
  write(join(dir, '_lib/store.mjs'), '// shared code, not a sample');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function withService<T>(fn: (s: Service) => Promise<T>): Promise<T> {
  const service = createService({ db });
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

async function machineNames(service: Service): Promise<string[]> {
  const list = (await service.call('ListStateMachines', {})) as { stateMachines: { name: string }[] };
  return list.stateMachines.map((m) => m.name).sort();
}

describe('loadSamples', () => {
  it('loads the good samples, logs and skips the broken ones, and is idempotent across loads and restarts', async () => {
    const logs: string[] = [];
    const log = (s: string) => logs.push(s);
    const first = await withService(async (service) => {
      const loaded = await loadSamples(service, dir, { log, dataDir: join(tmp, 'data') });
      try {
        const again = await loadSamples(service, dir, { log: () => undefined, dataDir: join(tmp, 'data') });
        try {
          expect(again.loaded).toEqual(loaded.loaded);
          expect(await machineNames(service)).toEqual(['hello-world-node', 'top-level']);
          // The functions registered by the last load answer.
          const started = (await service.call('StartExecution', { stateMachineArn: loaded.loaded[0]!.stateMachineArn, input: '{"name":"Bo"}' })) as { executionArn: string };
          expect(await service.waitForExecution(started.executionArn)).toMatchObject({ status: 'SUCCEEDED' });
        } finally {
          await again.close();
        }
        return loaded;
      } finally {
        await loaded.close();
      }
    });
    expect(first.loaded.map((l) => l.name)).toEqual(['hello-world-node', 'top-level']);
    for (const bad of ['broken-top.asl.json', 'bad-json', 'bad-definition', 'bad-function', 'zz-dup-function', 'no-definition']) {
      expect(logs.some((l) => l.startsWith(`samples: skipped ${bad}:`)), `${bad}\n${logs.join('\n')}`).toBe(true);
    }
    expect(logs.some((l) => l.includes('_lib'))).toBe(false);
    expect(logs.find((l) => l.startsWith('samples: skipped zz-dup-function'))).toContain("'hello-node' is already defined by sample 'hello-world-node'");

    // A restart over the same database: same ARNs, no duplicates, no errors, and the sample runs.
    await withService(async (service) => {
      const relog: string[] = [];
      const loaded = await loadSamples(service, dir, { log: (s) => relog.push(s), dataDir: join(tmp, 'data') });
      try {
        expect(loaded.loaded).toEqual(first.loaded);
        expect(await machineNames(service)).toEqual(['hello-world-node', 'top-level']);
        const started = (await service.call('StartExecution', { stateMachineArn: loaded.loaded[0]!.stateMachineArn, input: '{"name":"Bo"}' })) as { executionArn: string };
        const result = await service.waitForExecution(started.executionArn);
        expect(result).toMatchObject({ status: 'SUCCEEDED' });
        expect(JSON.parse(result.output!)).toMatchObject({ greeting: 'Hello, Bo!' });
        expect(relog.filter((l) => l.includes('skipped') && !/broken-top|bad-|zz-dup-|no-definition/.test(l))).toEqual([]);
      } finally {
        await loaded.close();
      }
    });
  });

  it('updates a machine whose definition changed instead of failing', async () => {
    await withService(async (service) => {
      const arn = (await loadSamples(service, dir, {})).loaded.find((l) => l.name === 'top-level')!.stateMachineArn;
      const changed = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { top: 2 }, End: true } } });
      write(join(dir, 'top-level.asl.json'), changed);
      const again = await loadSamples(service, dir, {});
      await again.close();
      expect(again.loaded.find((l) => l.name === 'top-level')!.stateMachineArn).toBe(arn);
      const described = (await service.call('DescribeStateMachine', { stateMachineArn: arn })) as { definition: string };
      expect(described.definition).toBe(changed);
    });
  });

  it('logs a missing samples folder and loads nothing', async () => {
    await withService(async (service) => {
      const logs: string[] = [];
      const loaded = await loadSamples(service, join(tmp, 'missing'), { log: (s) => logs.push(s) });
      expect(loaded.loaded).toEqual([]);
      expect(logs[0]).toMatch(/^samples: cannot read /);
    });
  });
});
