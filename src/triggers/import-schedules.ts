/**
 * Schedules that start a state machine, from the three places templates declare them: SAM `Events` of type
 * Schedule / ScheduleV2, plain CloudFormation `AWS::Events::Rule` / `AWS::Scheduler::Schedule` resources whose
 * target is the machine (what SAM and CDK synthesise), and serverless-step-functions `schedule` events.
 */
import { isJsonObject, ownGet, type Json, type JsonObject } from '../util/json.js';
import type { Collector, TemplateContext } from './import-intrinsics.js';
import { asText, evaluate } from './import-intrinsics.js';
import type { ImportedSchedule, ImportProblem } from './import-report.js';
import { ptr, warn } from './import-report.js';

/** Only what EventBridge rules and this service's scheduler both understand. */
const EXPRESSION = /^(cron|rate)\(.+\)$/;

function schedule(expression: Json | undefined, input: Json | undefined, enabled: boolean, name: Json | undefined): ImportedSchedule | string {
  if (typeof expression !== 'string' || !EXPRESSION.test(expression.trim())) {
    return `schedule expression ${JSON.stringify(expression ?? null)} is not cron(...) or rate(...); skipped`;
  }
  const s: ImportedSchedule = { expression: expression.trim(), enabled };
  if (input !== undefined && input !== null) s.input = typeof input === 'string' ? input : JSON.stringify(input);
  if (typeof name === 'string' && name !== '') s.name = name;
  return s;
}

function keep(out: ImportedSchedule[], problems: ImportProblem[], file: string, p: string, s: ImportedSchedule | string): void {
  if (typeof s === 'string') problems.push(warn(file, p, s));
  else out.push(s);
}

/** SAM `Events` (AWS::Serverless::StateMachine): Schedule (`Schedule`, `Enabled`/`State`) and ScheduleV2. */
export function samSchedules(ctx: TemplateContext, events: Json | undefined, p: string, out: Collector): ImportedSchedule[] {
  const found: ImportedSchedule[] = [];
  if (!isJsonObject(events)) return found;
  for (const [key, event] of Object.entries(events)) {
    if (!isJsonObject(event)) continue;
    const at = ptr(p, key);
    const kind = ownGet(event, 'Type');
    const props = evaluate(ctx, ownGet(event, 'Properties') ?? {}, ptr(at, 'Properties'), out);
    if (!isJsonObject(props) || (kind !== 'Schedule' && kind !== 'ScheduleV2')) continue;
    const state = ownGet(props, 'State');
    const enabled = state !== undefined ? state !== 'DISABLED' : ownGet(props, 'Enabled') !== false;
    const expr = kind === 'Schedule' ? ownGet(props, 'Schedule') : ownGet(props, 'ScheduleExpression');
    keep(found, out.problems, ctx.file, at, schedule(expr, ownGet(props, 'Input'), enabled, ownGet(props, 'Name') ?? key));
  }
  return found;
}

/** True when `arn` (unevaluated) is `{Ref: id}` or `{Fn::GetAtt: [id, Arn]}`: the state machine's ARN. */
function targetsMachine(arn: Json | undefined, id: string): boolean {
  if (!isJsonObject(arn)) return false;
  const ref = ownGet(arn, 'Ref');
  const att = ownGet(arn, 'Fn::GetAtt');
  return ref === id || (Array.isArray(att) && att[0] === id && att[1] === 'Arn') || att === `${id}.Arn`;
}

/** `AWS::Events::Rule` and `AWS::Scheduler::Schedule` resources of the template that start machine `id`. */
export function ruleSchedules(ctx: TemplateContext, id: string, out: Collector): ImportedSchedule[] {
  const found: ImportedSchedule[] = [];
  const resources = ownGet(ctx.template, 'Resources');
  if (!isJsonObject(resources)) return found;
  for (const [ruleId, r] of Object.entries(resources)) {
    const props = isJsonObject(r) ? ownGet(r, 'Properties') : undefined;
    if (!isJsonObject(r) || !isJsonObject(props)) continue;
    const p = ptr('/Resources', ruleId, 'Properties');
    const type = ownGet(r, 'Type');
    const targets: JsonObject[] = [];
    if (type === 'AWS::Events::Rule') {
      const list = ownGet(props, 'Targets');
      if (Array.isArray(list)) targets.push(...list.filter(isJsonObject));
    } else if (type === 'AWS::Scheduler::Schedule') {
      const t = ownGet(props, 'Target');
      if (isJsonObject(t)) targets.push(t);
    } else continue;
    for (const t of targets.filter((x) => targetsMachine(ownGet(x, 'Arn'), id))) {
      const expr = evaluate(ctx, ownGet(props, 'ScheduleExpression') ?? null, ptr(p, 'ScheduleExpression'), out);
      const input = ownGet(t, 'Input');
      const name = ownGet(props, 'Name');
      keep(found, out.problems, ctx.file, p, schedule(expr, input === undefined ? undefined : asText(evaluate(ctx, input, p, out)),
        ownGet(props, 'State') !== 'DISABLED', typeof name === 'string' ? name : ruleId));
    }
  }
  return found;
}

/** serverless-step-functions `events: [{schedule: 'rate(…)'}, {schedule: {rate, enabled, input, name}}]`. */
export function serverlessSchedules(file: string, events: Json | undefined, p: string, problems: ImportProblem[]): ImportedSchedule[] {
  const found: ImportedSchedule[] = [];
  if (!Array.isArray(events)) return found;
  events.forEach((event, i) => {
    const s = isJsonObject(event) ? ownGet(event, 'schedule') : undefined;
    if (s === undefined) return;
    const at = ptr(p, i, 'schedule');
    if (typeof s === 'string') return keep(found, problems, file, at, schedule(s, undefined, true, undefined));
    if (!isJsonObject(s)) return;
    // The plugin accepts one rate or, in later versions, a list of them (one rule each).
    const rates = Array.isArray(s.rate) ? s.rate : [s.rate];
    for (const rate of rates) keep(found, problems, file, at, schedule(rate, ownGet(s, 'input'), ownGet(s, 'enabled') !== false, ownGet(s, 'name')));
  });
  return found;
}
