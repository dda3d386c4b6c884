/**
 * CloudFormation intrinsic functions, evaluated locally the way CloudFormation would at deploy time, with
 * the values a local import can know: pseudo parameters from the options, parameter Defaults (or `opts.map`),
 * Mappings, Conditions, and Lambda function names/ARNs. Whatever needs a deployed stack (GetAtt of a queue,
 * ImportValue, a parameter without Default) is left as `${...}` text and recorded as unresolved.
 */
import { isJsonObject, ownGet, type Json, type JsonObject } from '../util/json.js';
import type { ImportedFunction, ImportOptions, ImportProblem, Unresolved } from './import-report.js';
import { asText, partitionOf, ptr, setOwn, warn } from './import-report.js';
import { conditionTruth, type EvalText } from './import-conditions.js';
import { knownAtt, knownRef, lambdaFunction } from './import-resources.js';

export { asText, partitionOf } from './import-report.js';

/** The template being imported and what the call knows about its deployment. */
export interface TemplateContext {
  file: string;
  template: JsonObject;
  opts: ImportOptions;
  stackName: string;
  /** Logical ids whose own name is being evaluated: a reference back to one is unresolved, never recursion. */
  busy?: Set<string>;
}

/** Everything evaluation learnt, per state machine. */
export interface Collector {
  unresolved: Unresolved[];
  functions: ImportedFunction[];
  substituted: { placeholder: string; value: string }[];
  problems: ImportProblem[];
  /** The `${...}` texts left in place of unresolved references. */
  placeholders: string[];
}

export function newCollector(): Collector {
  return { unresolved: [], functions: [], substituted: [], problems: [], placeholders: [] };
}

const NO_VALUE = Symbol('AWS::NoValue');
type Value = Json | typeof NO_VALUE;

const LAMBDA_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);

/** Evaluates every intrinsic function inside `value`; `pointer` is where `value` sits in the file. */
export function evaluate(ctx: TemplateContext, value: Json, pointer: string, out: Collector): Json {
  const v = new Evaluator(ctx, out).ev(value, pointer);
  return v === NO_VALUE ? null : v;
}

/**
 * Evaluates `value` and returns it only when it is a string (or, with `scalars`, any scalar as text) with
 * nothing unresolved in it.
 */
export function evaluateString(ctx: TemplateContext, value: Json | undefined, pointer: string, scalars = false): string | undefined {
  if (value === undefined) return undefined;
  const scratch = newCollector();
  const v = evaluate(ctx, value, pointer, scratch);
  if (scratch.unresolved.length > 0) return undefined;
  return typeof v === 'string' ? v : scalars && (typeof v === 'number' || typeof v === 'boolean') ? String(v) : undefined;
}

function resources(ctx: TemplateContext): JsonObject {
  const r = ownGet(ctx.template, 'Resources');
  return isJsonObject(r) ? r : {};
}

function section(ctx: TemplateContext, name: string): JsonObject {
  const s = ownGet(ctx.template, name);
  return isJsonObject(s) ? s : {};
}

type Handler = (ev: Evaluator, arg: Json, p: string) => Value;

const HANDLERS: Record<string, Handler> = {
  Ref: (e, arg, p) => (typeof arg === 'string' ? e.ref(arg, p) : e.unresolved(`\${Ref}`, 'Ref whose argument is not a name', p)),
  'Fn::GetAtt': (e, arg, p) => {
    const parts = typeof arg === 'string' ? arg.split(/\.(.*)/s, 2) : Array.isArray(arg) ? arg.map((a) => asText(e.plain(a, p))) : [];
    return e.getAtt(String(parts[0] ?? ''), String(parts[1] ?? ''), p);
  },
  'Fn::Sub': (e, arg, p) => e.sub(arg, p),
  'Fn::Join': (e, arg, p) => {
    if (!Array.isArray(arg) || arg.length !== 2) return e.unresolved('${Fn::Join}', 'Fn::Join without [delimiter, list]', p);
    const list = e.ev(arg[1]!, ptr(p, 'Fn::Join', 1));
    if (!Array.isArray(list)) return e.unresolved('${Fn::Join}', 'Fn::Join over something that is not a list', p);
    return list.map(asText).join(asText(e.plain(arg[0]!, p)));
  },
  'Fn::Select': (e, arg, p) => {
    const list = Array.isArray(arg) ? e.ev(arg[1] ?? null, ptr(p, 'Fn::Select', 1)) : null;
    const item = Array.isArray(arg) && Array.isArray(list) ? list[Number(e.plain(arg[0] ?? null, p))] : undefined;
    return item === undefined ? e.unresolved('${Fn::Select}', 'Fn::Select out of range or over a non-list', p) : item;
  },
  'Fn::Split': (e, arg, p) => {
    const source = Array.isArray(arg) ? e.ev(arg[1] ?? null, ptr(p, 'Fn::Split', 1)) : null;
    return Array.isArray(arg) && typeof source === 'string' ? source.split(asText(e.plain(arg[0] ?? '', p))) : [];
  },
  'Fn::If': (e, arg, p) => {
    if (!Array.isArray(arg) || arg.length !== 3) return e.unresolved('${Fn::If}', 'Fn::If without [condition, then, else]', p);
    let truth = conditionTruth(section(e.ctx, 'Conditions'), String(arg[0]), (x) => evaluateString(e.ctx, x, p, true));
    if (truth === undefined) {
      e.unresolved('', `condition ${String(arg[0])} could not be evaluated locally; took its true branch`, p);
      truth = true;
    }
    return e.ev(truth ? arg[1]! : arg[2]!, ptr(p, 'Fn::If', truth ? 1 : 2));
  },
  'Fn::FindInMap': (e, arg, p) => {
    const keys = Array.isArray(arg) ? arg.map((a) => asText(e.plain(a, p))) : [];
    let node: Json | undefined = ownGet(e.ctx.template, 'Mappings');
    for (const k of keys) node = isJsonObject(node) ? ownGet(node, k) : undefined;
    return node ?? e.unresolved(`\${FindInMap:${keys.join('.')}}`, `Fn::FindInMap ${keys.join('/')} not found in Mappings`, p);
  },
  'Fn::ImportValue': (e, arg, p) => {
    const name = asText(e.plain(arg, p));
    return e.unresolved(`\${ImportValue:${name}}`, `Fn::ImportValue ${name} (an export of another stack)`, p);
  },
  'Fn::Base64': (e, arg, p) => Buffer.from(asText(e.plain(arg, p)), 'utf8').toString('base64'),
  'Fn::ToJsonString': (e, arg, p) => JSON.stringify(e.plain(arg, ptr(p, 'Fn::ToJsonString'))),
  'Fn::Length': (e, arg, p) => {
    const list = e.plain(arg, ptr(p, 'Fn::Length'));
    return Array.isArray(list) ? list.length : e.unresolved('${Fn::Length}', 'Fn::Length of a non-list', p);
  },
};

class Evaluator {
  constructor(readonly ctx: TemplateContext, readonly out: Collector) {}

  ev(value: Json, p: string): Value {
    if (Array.isArray(value)) {
      return value.map((v, i) => this.ev(v, ptr(p, i))).filter((v): v is Json => v !== NO_VALUE);
    }
    if (!isJsonObject(value)) return value;
    const keys = Object.keys(value);
    const key = keys[0];
    if (keys.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      const handler = Object.prototype.hasOwnProperty.call(HANDLERS, key) ? HANDLERS[key] : undefined;
      if (!handler) return this.unresolved(`\${${key}}`, `${key} cannot be evaluated locally`, p);
      return handler(this, value[key]!, p);
    }
    const result: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const r = this.ev(v, ptr(p, k));
      if (r !== NO_VALUE) setOwn(result, k, r);
    }
    return result;
  }

  /** An evaluated argument, with AWS::NoValue as null. */
  plain(value: Json, p: string): Json {
    const v = this.ev(value, p);
    return v === NO_VALUE ? null : v;
  }

  lambda(id: string, p: string): ImportedFunction {
    const { file, opts } = this.ctx;
    return lambdaFunction({ file, opts, resources: resources(this.ctx), out: this.out, text: this.text(p, id) }, id, p);
  }

  /** Plain-text evaluation of resource `id`'s name (nothing recorded; a self-reference is unresolved). */
  text(p: string, id: string): EvalText {
    return (value) => {
      const busy = (this.ctx.busy ??= new Set<string>());
      busy.add(id);
      try {
        return evaluateString(this.ctx, value, p);
      } finally {
        busy.delete(id);
      }
    };
  }

  unresolved(text: string, what: string, p: string): string {
    this.out.unresolved.push({ file: this.ctx.file, pointer: p, what });
    if (text !== '') this.out.placeholders.push(text);
    this.out.problems.push(warn(this.ctx.file, p, `unresolved: ${what}${text === '' ? '' : `; left as ${text}`}`));
    return text;
  }

  ref(name: string, p: string): Value {
    const { opts } = this.ctx;
    switch (name) {
      case 'AWS::Region': return opts.region;
      case 'AWS::AccountId': return opts.account;
      case 'AWS::Partition': return partitionOf(opts.region);
      case 'AWS::StackName': return this.ctx.stackName;
      case 'AWS::URLSuffix': return opts.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::NoValue': return NO_VALUE;
    }
    const param = ownGet(section(this.ctx, 'Parameters'), name);
    if (isJsonObject(param)) return this.parameter(name, param, p);
    const resource = ownGet(resources(this.ctx), name);
    const type = isJsonObject(resource) ? ownGet(resource, 'Type') : undefined;
    // Ref of a Lambda function returns its name, not its ARN (AWS::Lambda::Function "Return values").
    if (this.ctx.busy?.has(name)) return this.unresolved(`\${${name}}`, `circular reference to ${name}`, p);
    if (typeof type === 'string' && LAMBDA_TYPES.has(type)) return this.lambda(name, p).functionName;
    const known = isJsonObject(resource) ? knownRef(resource, this.ctx.opts.region, this.ctx.opts.account, name, this.text(p, name)) : undefined;
    if (known !== undefined) return known;
    if (typeof type === 'string') return this.unresolved(`\${${name}}`, `Ref to ${type} resource ${name}`, p);
    return this.unresolved(`\${${name}}`, `Ref to ${name}, which is neither a parameter nor a resource of this template`, p);
  }

  parameter(name: string, param: JsonObject, p: string): Value {
    const map = this.ctx.opts.map;
    const given = map && Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined;
    const dflt = ownGet(param, 'Default');
    const value = given ?? (dflt === undefined ? undefined : asText(dflt));
    if (value === undefined) {
      return this.unresolved(`\${${name}}`, `Ref to parameter ${name}, which has no Default (pass --map ${name}=VALUE)`, p);
    }
    if (!this.out.substituted.some((s) => s.placeholder === `\${${name}}`)) this.out.substituted.push({ placeholder: `\${${name}}`, value });
    const type = ownGet(param, 'Type');
    return typeof type === 'string' && (type.startsWith('List<') || type === 'CommaDelimitedList') ? value.split(',') : value;
  }

  getAtt(id: string, attr: string, p: string): Value {
    const resource = ownGet(resources(this.ctx), id);
    const type = isJsonObject(resource) ? ownGet(resource, 'Type') : undefined;
    if (this.ctx.busy?.has(id)) return this.unresolved(`\${${id}.${attr}}`, `circular reference to ${id}`, p);
    if (typeof type === 'string' && LAMBDA_TYPES.has(type) && attr === 'Arn') return this.lambda(id, p).arn;
    const known = isJsonObject(resource) ? knownAtt(resource, attr, this.ctx.opts.region, this.ctx.opts.account, id, this.text(p, id)) : undefined;
    if (known !== undefined) return known;
    const what = typeof type === 'string' ? `Fn::GetAtt ${id}.${attr} of ${type} resource` : `Fn::GetAtt ${id}.${attr}: no resource ${id} in this template`;
    return this.unresolved(`\${${id}.${attr}}`, what, p);
  }

  /** Fn::Sub: `${Name}` (Ref), `${Id.Attr}` (GetAtt), `${!Literal}` (kept as `${Literal}`), optional variable map. */
  sub(arg: Json, p: string): Value {
    const template = typeof arg === 'string' ? arg : Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : undefined;
    if (template === undefined) return this.unresolved('${Fn::Sub}', 'Fn::Sub without a template string', p);
    const vars = Array.isArray(arg) && isJsonObject(arg[1]) ? arg[1] : {};
    const at = Array.isArray(arg) ? ptr(p, 'Fn::Sub', 0) : ptr(p, 'Fn::Sub');
    return template.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      const own = ownGet(vars, name);
      if (own !== undefined) return asText(this.plain(own, ptr(p, 'Fn::Sub', 1, name)));
      const dot = name.indexOf('.');
      const v = dot < 0 || name.startsWith('AWS::') ? this.ref(name, at) : this.getAtt(name.slice(0, dot), name.slice(dot + 1), at);
      return v === NO_VALUE ? '' : asText(v);
    });
  }
}
