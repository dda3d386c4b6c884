/** convertFiles over realistic fixtures: SAM, CloudFormation, CDK output, serverless.yml, plain ASL, wrong files. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertFiles, formatImportPlan, isImportCandidate, planHasErrors, type ImportPlan, type PlannedStateMachine } from '../../src/triggers/import-files.js';
import { isValidDefinition } from '../../src/asl/validate.js';

const ROOT = resolve(__dirname, '../fixtures/import');
const OPTS = { region: 'eu-west-1', account: '123456789012' };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

/** The fixture files under `dir`, named relative to the fixture root as the CLI would name them. */
function load(...paths: string[]): { name: string; content: string }[] {
  return paths.flatMap((p) => (statSync(join(ROOT, p)).isDirectory() ? walk(join(ROOT, p)) : [join(ROOT, p)]))
    .map((f) => ({ name: relative(ROOT, f), content: readFileSync(f, 'utf8') }));
}

const readFile = (p: string): string | undefined => {
  try {
    return readFileSync(join(ROOT, p), 'utf8');
  } catch {
    return undefined;
  }
};

function machine(plan: ImportPlan, name: string): PlannedStateMachine {
  const m = plan.stateMachines.find((x) => x.name === name);
  if (!m) throw new Error(`no machine ${name} in ${plan.stateMachines.map((x) => x.name).join(', ')}`);
  return m;
}

function states(m: PlannedStateMachine): Record<string, Record<string, unknown>> {
  return (JSON.parse(m.definition) as { States: Record<string, Record<string, unknown>> }).States;
}

describe('SAM template with DefinitionUri, DefinitionSubstitutions, functions and schedules', () => {
  const plan = convertFiles(load('sam/template.yaml'), { ...OPTS, readFile });
  const m = machine(plan, 'stock-trader-dev');

  it('plans one valid machine named from !Sub with the parameter default', () => {
    expect(planHasErrors(plan)).toBe(false);
    expect(plan.stateMachines).toHaveLength(1);
    expect(m.type).toBe('STANDARD');
    expect(m.source).toEqual({ file: 'sam/template.yaml', pointer: '/Resources/StockTradingStateMachine' });
    expect(isValidDefinition(m.definition)).toBe(true);
  });

  it('replaces placeholders with function ARNs, literal FunctionName first, logical id as a warned fallback', () => {
    const s = states(m);
    expect(s['Sell Stock']!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:stock-seller-dev');
    expect(s['Buy Stock']!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:stock-buyer');
    expect(s['Check Stock Value']!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:StockCheckerFunction');
    expect(m.functions.map((f) => [f.logicalId, f.from])).toEqual(expect.arrayContaining([
      ['StockCheckerFunction', 'logicalId'], ['StockSellerFunction', 'FunctionName'], ['StockBuyerFunction', 'FunctionName'],
    ]));
    expect(plan.problems).toContainEqual(expect.objectContaining({ severity: 'WARNING', message: expect.stringContaining('--map StockCheckerFunction=NAME') }));
  });

  it('substitutes a number outside quotes (Fn::If over a condition) and records every substitution', () => {
    const choice = states(m)['Buy or Sell?']!.Choices as { NumericLessThanEquals: unknown }[];
    expect(choice[0]!.NumericLessThanEquals).toBe(50);
    expect(m.substituted).toContainEqual({ placeholder: '${DDBPutItem}', value: 'arn:aws:states:::dynamodb:putItem' });
    expect(m.substituted).toContainEqual({ placeholder: '${Threshold}', value: '50' });
  });

  it('leaves a Ref to a table as ${...} text, recorded with file and pointer', () => {
    expect((states(m)['Record Transaction']!.Parameters as { TableName: string }).TableName).toBe('${TransactionTable}');
    expect(m.unresolved).toEqual([{
      file: 'sam/template.yaml',
      pointer: '/Resources/StockTradingStateMachine/Properties/DefinitionSubstitutions/DDBTable',
      what: 'Ref to AWS::Serverless::SimpleTable resource TransactionTable',
    }]);
  });

  it('turns Schedule and ScheduleV2 events into schedules, and keeps Tags', () => {
    expect(m.schedules).toEqual([
      { expression: 'rate(1 hour)', enabled: false, name: 'HourlyTradingSchedule' },
      { expression: 'cron(30 13 ? * MON-FRI *)', enabled: true, input: '{"reason":"market open"}', name: 'WeekdayOpen' },
    ]);
    expect(m.tags).toEqual({ team: 'trading', stage: 'dev' });
  });

  it('uses the definition file from the inputs and does not import it a second time', () => {
    const both = convertFiles(load('sam'), OPTS);
    expect(both.stateMachines.map((x) => x.name)).toEqual(['stock-trader-dev']);
    expect(planHasErrors(both)).toBe(false);
  });

  it('honours --map for functions and parameters', () => {
    const mapped = convertFiles(load('sam/template.yaml'), { ...OPTS, readFile, map: { StockCheckerFunction: 'checker', Stage: 'prod' } });
    const mm = machine(mapped, 'stock-trader-prod');
    expect(states(mm)['Check Stock Value']!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:checker');
    expect(mm.functions.find((f) => f.logicalId === 'StockCheckerFunction')!.from).toBe('map');
    const choice = states(mm)['Buy or Sell?']!.Choices as { NumericLessThanEquals: unknown }[];
    expect(choice[0]!.NumericLessThanEquals).toBe(60);
  });

  it('is an ERROR when the DefinitionUri file cannot be found', () => {
    const missing = convertFiles(load('sam/template.yaml'), OPTS);
    expect(planHasErrors(missing)).toBe(true);
    expect(missing.problems).toContainEqual(expect.objectContaining({
      severity: 'ERROR', pointer: '/Resources/StockTradingStateMachine/Properties/DefinitionUri',
      message: expect.stringContaining('statemachine/stock_trader.asl.json not found'),
    }));
  });
});

describe('CloudFormation template with Fn::Sub over DefinitionString', () => {
  const plan = convertFiles(load('cfn/order-pipeline.yaml'), OPTS);
  const orders = machine(plan, 'order-pipeline-orders');
  const batch = machine(plan, 'BatchStateMachine');

  it('plans both machines without errors', () => {
    expect(planHasErrors(plan)).toBe(false);
    expect(plan.stateMachines.map((m) => [m.name, m.type])).toEqual([['order-pipeline-orders', 'STANDARD'], ['BatchStateMachine', 'EXPRESS']]);
  });

  it('resolves ${Fn.Arn}, parameters, pseudo parameters and the two-element form variables', () => {
    const s = states(orders);
    expect(s.Validate!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:validate-order-staging');
    expect(s.Validate!.Retry).toEqual([{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }]);
    // Ref of a Lambda function is its name (AWS::Lambda::Function return values), not its ARN.
    expect((s.Charge!.Parameters as Record<string, unknown>).FunctionName).toBe('ChargeCardFunction');
    expect((s.Notify!.Parameters as Record<string, unknown>)['Message.$']).toBe("States.Format('order {} in eu-west-1', $.orderId)");
    expect((s.Notify!.Parameters as Record<string, unknown>).TopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:order-events');
    expect(JSON.parse(batch.definition).States['Fan out'].MaxConcurrency).toBe(25);
  });

  it('reports the queue Ref as unresolved at its pointer and keeps the role and the tags', () => {
    expect(orders.unresolved).toEqual([{
      file: 'cfn/order-pipeline.yaml', pointer: '/Resources/OrderStateMachine/Properties/DefinitionString/Fn::Sub/1/QueueUrl',
      what: 'Ref to AWS::SQS::Queue resource OrdersQueue',
    }]);
    expect((states(orders).Ship!.Parameters as Record<string, unknown>).QueueUrl).toBe('${OrdersQueue}');
    expect(orders.roleArn).toBe('arn:aws:iam::123456789012:role/order-pipeline-sfn');
    expect(orders.tags).toEqual({ app: 'orders', env: 'staging' });
  });

  it('finds the Events rule that targets a machine', () => {
    expect(batch.schedules).toEqual([{ expression: 'cron(0 2 * * ? *)', enabled: true, input: '{"orders":[]}', name: 'nightly-batch' }]);
    expect(orders.schedules).toEqual([]);
  });
});

describe('CDK output (cdk.out/*.template.json)', () => {
  const files = load('cdk.out').filter((f) => isImportCandidate(f.name));
  const plan = convertFiles(files, OPTS);

  it('skips CDK manifest files when choosing candidates', () => {
    expect(files.map((f) => f.name)).toEqual(['cdk.out/JobPollerStack.template.json']);
  });

  it('joins the Fn::Join definition, resolving partition, function ARNs and the role-less rule schedule', () => {
    expect(planHasErrors(plan)).toBe(false);
    const m = machine(plan, 'JobStateMachine7C2A5E5B');
    const s = states(m);
    expect(s['Submit Job']!.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect((s['Submit Job']!.Parameters as Record<string, unknown>).FunctionName).toBe('arn:aws:lambda:eu-west-1:123456789012:function:SubmitJobFunctionB1A3C5D7');
    expect(s['Get Final Job Status']!.Resource).toBe('arn:aws:lambda:eu-west-1:123456789012:function:job-poller-check-status');
    expect(m.schedules).toEqual([{ expression: 'rate(1 hour)', enabled: true, input: '{"waitSeconds":5}', name: 'HourlyPollRule4F0A1B2C' }]);
    expect(m.roleArn).toBeUndefined();
    expect(m.unresolved).toEqual([]);
  });

  it('uses the stack name from the file name for AWS::StackName', () => {
    const t = JSON.stringify({ Resources: { M: { Type: 'AWS::StepFunctions::StateMachine', Properties: {
      StateMachineName: { 'Fn::Sub': '${AWS::StackName}-m' }, Definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
    } } } });
    expect(convertFiles([{ name: 'cdk.out/Billing.template.json', content: t }], OPTS).stateMachines[0]!.name).toBe('Billing-m');
  });
});

describe('plain ASL files', () => {
  it('imports YAML and JSON definitions, named after the file', () => {
    const plan = convertFiles(load('plain'), OPTS);
    expect(planHasErrors(plan)).toBe(false);
    expect(plan.stateMachines.map((m) => m.name)).toEqual(['hello-world', 'wait-and-greet']);
    const hello = machine(plan, 'hello-world');
    expect(JSON.parse(hello.definition)).toMatchObject({ StartAt: 'Hello', States: { World: { Result: 'World', End: true } } });
    expect(hello.source).toEqual({ file: 'plain/hello-world.asl.yaml', pointer: '' });
    expect(machine(plan, 'wait-and-greet').definition).toBe(readFileSync(join(ROOT, 'plain/wait-and-greet.asl.json'), 'utf8'));
  });

  it('sanitises names to AWS rules and says so', () => {
    const plan = convertFiles([{ name: 'flows/Order Flow (v2).yml', content: 'StartAt: A\nStates:\n  A: {Type: Succeed}\n' }], OPTS);
    expect(plan.stateMachines[0]!.name).toBe('Order-Flow-v2');
    expect(plan.problems).toContainEqual(expect.objectContaining({ severity: 'WARNING', message: expect.stringContaining('"Order-Flow-v2"') }));
  });
});

describe('wrong files give a clear report', () => {
  const plan = convertFiles(load('wrong'), OPTS);
  const about = (file: string) => plan.problems.filter((p) => p.file === `wrong/${file}`);

  it('refuses text that is neither JSON nor YAML', () => {
    expect(about('notes.txt')).toEqual([expect.objectContaining({ severity: 'ERROR', message: expect.stringContaining('not valid YAML') })]);
    expect(about('broken.yaml')[0]).toMatchObject({ severity: 'ERROR', message: expect.stringMatching(/not valid YAML: .*\(line \d+, column \d+\)/) });
  });

  it('warns about a template without state machines', () => {
    expect(about('no-machine.yaml')).toEqual([{ file: 'wrong/no-machine.yaml', pointer: '/Resources', severity: 'WARNING', message: expect.stringContaining('no state machines') }]);
  });

  it('reports validation errors with the file, the definition pointer and the diagnostic location', () => {
    expect(about('invalid.asl.json')).toContainEqual({
      file: 'wrong/invalid.asl.json', pointer: '', severity: 'ERROR',
      message: "definition of invalid is invalid: MISSING_TRANSITION_TARGET: Missing 'Next' target: Second at /States/First/Next",
    });
  });

  it('records an unresolvable Ref and ImportValue as warnings, leaving ${...} text', () => {
    const m = machine(plan, 'shared-worker');
    expect(states(m).Work!.Resource).toBe('${WorkerArn}');
    expect((states(m).Report!.Parameters as Record<string, unknown>).QueueUrl).toBe('${ImportValue:shared-reporting-queue-url}');
    expect(m.unresolved.map((u) => u.pointer)).toEqual([
      '/Resources/Worker/Properties/Definition/States/Work/Resource',
      '/Resources/Worker/Properties/Definition/States/Report/Parameters/QueueUrl',
    ]);
    expect(about('unresolvable.yaml').every((p) => p.severity === 'WARNING')).toBe(true);
  });

  it('makes the plan all-or-nothing and renders a readable report', () => {
    expect(planHasErrors(plan)).toBe(true);
    const text = formatImportPlan(plan);
    expect(text.indexOf('ERROR')).toBeLessThan(text.indexOf('WARNING'));
    expect(text).toContain('unresolved Ref to parameter WorkerArn');
  });
});
