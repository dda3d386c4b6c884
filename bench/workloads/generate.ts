// Regenerates the workload files in this folder (deterministic), to the same descriptions as the shared
// workloads (W1-W5, see manifest.json). Usage: npx tsx bench/workloads/generate.ts
// The JSON files it writes are what `npm run bench` runs by default.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const write = (name: string, obj: unknown, compact = false): void =>
  writeFileSync(join(here, name), JSON.stringify(obj, null, compact ? 0 : 2) + '\n');

// W1: chain of 100 Pass states, each with Parameters (3 fields, 2 paths) and ResultPath.
{
  const n = 100;
  const States: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const name = `S${String(i).padStart(3, '0')}`;
    const next = `S${String(i + 1).padStart(3, '0')}`;
    States[name] = {
      Type: 'Pass',
      Parameters: { step: i, 'value.$': '$.data.value', 'c.$': '$.data.nested.a.b[0].c' },
      ResultPath: '$.last',
      ...(i === n - 1 ? { End: true } : { Next: next }),
    };
  }
  write('w1-pass-chain.asl.json', { Comment: 'W1: chain of 100 Pass states with Parameters and ResultPath', StartAt: 'S000', States });
  write('w1-pass-chain.input.json', {
    id: 'exec-0001',
    data: { value: 42, text: 'hello world', tags: ['a', 'b', 'c'], nested: { a: { b: [{ c: 1 }, { c: 2 }] } } },
    last: null,
  });
}

// W2: Choice loop counting to 10,000 with States.MathAdd.
write('w2-choice-loop.asl.json', {
  Comment: 'W2: Pass increments $.count with States.MathAdd, Choice loops while $.count < 10000',
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Parameters: { count: 0 }, Next: 'Increment' },
    Increment: { Type: 'Pass', Parameters: { 'count.$': 'States.MathAdd($.count, 1)' }, Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.count', NumericLessThan: 10000, Next: 'Increment' }],
      Default: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
});
write('w2-choice-loop.input.json', {});

// W3: inline Map over 10,000 items, Pass iterator, MaxConcurrency 0.
write('w3-map-inline.asl.json', {
  Comment: 'W3: inline Map over $.items (10,000 items), one Pass state per item, MaxConcurrency 0',
  StartAt: 'MapItems',
  States: {
    MapItems: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 0,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Item',
        States: { Item: { Type: 'Pass', Parameters: { 'i.$': '$.id' }, End: true } },
      },
      End: true,
    },
  },
});
// Compact on purpose: ~119 KB, under the 256 KiB Step Functions payload quota.
write('w3-map-inline.input.json', { items: Array.from({ length: 10000 }, (_, id) => ({ id })) }, true);

// W4: Parallel with 10 branches, each a chain of 10 Pass states.
{
  const Branches: unknown[] = [];
  for (let b = 0; b < 10; b++) {
    const States: Record<string, unknown> = {};
    for (let s = 0; s < 10; s++) {
      States[`B${b}S${s}`] = {
        Type: 'Pass',
        Result: { b, s },
        ResultPath: '$.last',
        ...(s === 9 ? { End: true } : { Next: `B${b}S${s + 1}` }),
      };
    }
    Branches.push({ StartAt: `B${b}S0`, States });
  }
  write('w4-parallel.asl.json', {
    Comment: 'W4: Parallel with 10 branches of 10 Pass states each',
    StartAt: 'Fan',
    States: { Fan: { Type: 'Parallel', Branches, End: true } },
  });
  write('w4-parallel.input.json', { v: 1 });
}

// W5: chain of 10 Task states calling one Lambda-style function (legacy Lambda ARN form:
// the Task output is the raw function payload). Benches map the ARN to a local
// RIE-compatible echo endpoint: POST /2015-03-31/functions/function/invocations.
{
  const States: Record<string, unknown> = {};
  for (let i = 0; i < 10; i++) {
    States[`T${i}`] = {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:echo',
      Parameters: { 'payload.$': '$.payload', step: i },
      ResultPath: '$.last',
      ...(i === 9 ? { End: true } : { Next: `T${i + 1}` }),
    };
  }
  write('w5-task-chain.asl.json', { Comment: 'W5: chain of 10 Task states, each invoking an echo function', StartAt: 'T0', States });
  write('w5-task-chain.input.json', {
    payload: {
      id: 'order-0001',
      amount: 125.5,
      currency: 'EUR',
      items: [{ sku: 'A-1', qty: 2 }, { sku: 'B-7', qty: 1 }],
      note: 'benchmark payload of roughly two hundred bytes, echoed back by the function',
    },
  });
}
console.log('workloads written');

// Manifest: what each workload is, how many state transitions one execution makes
// (= states entered, counting the Map/Parallel state itself and every state inside
// iterations/branches), default run sizes, and output checks (simple $.a.b[0] paths).
write('manifest.json', {
  transitionDefinition:
    'states entered per execution, including Choice/Succeed states, the Map/Parallel state itself, and every state inside Map iterations and Parallel branches',
  workloads: [
    {
      id: 'w1', title: 'Chain of 100 Pass states (Parameters + ResultPath)',
      definition: 'w1-pass-chain.asl.json', input: 'w1-pass-chain.input.json',
      transitionsPerExecution: 100, executions: 1000, concurrency: [1, 16],
      expect: [{ path: '$.last.step', equals: 99 }, { path: '$.last.value', equals: 42 }, { path: '$.last.c', equals: 1 }, { path: '$.id', equals: 'exec-0001' }],
    },
    {
      id: 'w2', title: 'Choice loop to 10,000 (States.MathAdd + NumericLessThan)',
      definition: 'w2-choice-loop.asl.json', input: 'w2-choice-loop.input.json',
      transitionsPerExecution: 20002, executions: 5, concurrency: [1],
      expect: [{ path: '$.count', equals: 10000 }],
      notes: 'On AWS Standard this exceeds the 25,000-event history quota (~40,000 events); fine for Express.',
    },
    {
      id: 'w3', title: 'Inline Map over 10,000 items, Pass iterator, MaxConcurrency 0',
      definition: 'w3-map-inline.asl.json', input: 'w3-map-inline.input.json',
      transitionsPerExecution: 10001, executions: 5, concurrency: [1],
      expect: [{ path: '$.length', equals: 10000 }, { path: '$[9999].i', equals: 9999 }, { path: '$[0].i', equals: 0 }],
      notes: 'On AWS Standard an inline Map of 10,000 iterations exceeds the 25,000-event history quota (~4 events per iteration).',
    },
    {
      id: 'w4', title: 'Parallel, 10 branches x 10 Pass states',
      definition: 'w4-parallel.asl.json', input: 'w4-parallel.input.json',
      transitionsPerExecution: 101, executions: 1000, concurrency: [1],
      expect: [{ path: '$.length', equals: 10 }, { path: '$[3].last.b', equals: 3 }, { path: '$[3].last.s', equals: 9 }, { path: '$[9].v', equals: 1 }],
    },
    {
      id: 'w5', title: 'Chain of 10 Task states -> local RIE-style echo endpoint over HTTP',
      definition: 'w5-task-chain.asl.json', input: 'w5-task-chain.input.json',
      transitionsPerExecution: 10, executions: 1000, concurrency: [1, 16], taskEndpoint: true,
      expect: [{ path: '$.last.step', equals: 9 }, { path: '$.last.payload.id', equals: 'order-0001' }, { path: '$.payload.currency', equals: 'EUR' }],
      notes: 'Every Task POSTs its effective input to POST /2015-03-31/functions/function/invocations on 127.0.0.1; the echo server runs in a separate process.',
    },
  ],
});
