/**
 * Serverless Framework variables (`${self:custom.x}`, `${opt:stage, 'dev'}`, `${sls:stage}`, `${aws:region}`,
 * `${file(./x.yml):key}`, serverless-pseudo-parameters' `#{AWS::Region}`), resolved from the file itself.
 * Sources that need the outside world (`env:`, `ssm:`, `cf:`, `s3:`…) are unresolved unless `opts.map` has
 * the variable (`--map env:TABLE=orders`, `--map opt:stage=prod`). Innermost variables resolve first, as the
 * framework does, so `${self:custom.${opt:stage}.table}` works.
 */
import { isJsonObject, ownGet, type Json, type JsonObject } from '../util/json.js';
import type { Collector } from './import-intrinsics.js';
import { asText } from './import-intrinsics.js';
import type { Loader } from './import-cfn.js';
import { parseFile } from './import-parse.js';
import type { ImportOptions } from './import-report.js';
import { partitionOf, ptr, setOwn, warn } from './import-report.js';

const VARIABLE = /\$\{([^${}]+)\}/g;
const PSEUDO = /#\{(AWS::(?:Region|AccountId|Partition|URLSuffix))\}/g;
/** Marks an unresolved `${` while the innermost-first loop runs, so it is not tried again. */
const HELD = '\uE000{';
const MAX_DEPTH = 16;

export class ServerlessVars {
  private computing = false;
  readonly stage: string;

  constructor(readonly file: string, readonly doc: JsonObject, readonly opts: ImportOptions, readonly load: Loader) {
    this.stage = this.computeStage();
  }

  /** The stage the file deploys to: `--map opt:stage=…`, else `provider.stage`, else `dev` (the framework default). */
  private computeStage(): string {
    const given = this.mapped('opt:stage');
    if (given !== undefined) return given;
    this.computing = true;
    const provider = ownGet(this.doc, 'provider');
    const raw = isJsonObject(provider) ? ownGet(provider, 'stage') : undefined;
    const scratch: Collector = { unresolved: [], functions: [], substituted: [], problems: [], placeholders: [] };
    const v = raw === undefined ? undefined : this.resolve(raw, '', scratch);
    this.computing = false;
    return typeof v === 'string' && scratch.unresolved.length === 0 ? v : 'dev';
  }

  private mapped(variable: string): string | undefined {
    const map = this.opts.map;
    return map && Object.prototype.hasOwnProperty.call(map, variable) ? map[variable] : undefined;
  }

  /** Resolves every variable inside `value` (found at `pointer`); what stays unresolved is recorded in `out`. */
  resolve(value: Json, pointer: string, out: Collector, depth = 0): Json {
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${pointer}/${i}`, out, depth));
    if (isJsonObject(value)) {
      const result: JsonObject = {};
      for (const [k, v] of Object.entries(value)) setOwn(result, k, this.resolve(v, ptr(pointer, k), out, depth));
      return result;
    }
    return typeof value === 'string' ? this.resolveString(value, pointer, out, depth) : value;
  }

  private resolveString(text: string, pointer: string, out: Collector, depth: number): Json {
    let s = text.replace(PSEUDO, (_m, name: string) => this.pseudo(name));
    for (let round = 0; round < MAX_DEPTH; round++) {
      const whole = /^\$\{([^${}]+)\}$/.exec(s);
      if (whole) {
        // A string that is exactly one variable takes the variable's value, whatever its type.
        const v = this.variable(whole[1]!, pointer, out, depth);
        return v === undefined ? this.hold(whole[0], whole[1]!, pointer, out).split(HELD).join('${') : v;
      }
      let changed = false;
      s = s.replace(VARIABLE, (m, inner: string) => {
        changed = true;
        const v = this.variable(inner, pointer, out, depth);
        return v === undefined ? this.hold(m, inner, pointer, out) : asText(v);
      });
      if (!changed) break;
    }
    return s.split(HELD).join('${');
  }

  private hold(whole: string, inner: string, pointer: string, out: Collector): string {
    if (!this.computing) {
      const what = `serverless variable ${whole}`;
      out.unresolved.push({ file: this.file, pointer, what });
      out.placeholders.push(whole);
      out.problems.push(warn(this.file, pointer, `unresolved: ${what} cannot be resolved from the file (pass --map ${inner.split(',')[0]!.trim()}=VALUE); left as-is`));
    }
    return HELD + inner + '}';
  }

  private pseudo(name: string): string {
    const { region, account } = this.opts;
    if (name === 'AWS::Region') return region;
    if (name === 'AWS::AccountId') return account;
    if (name === 'AWS::URLSuffix') return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return partitionOf(region);
  }

  /** `source:address[, fallback…]`: the first alternative that resolves, else undefined. */
  private variable(inner: string, pointer: string, out: Collector, depth: number): Json | undefined {
    const alternatives = inner.split(/,(?=(?:[^'"]|'[^']*'|"[^"]*")*$)/).map((a) => a.trim());
    for (const alt of alternatives) {
      const quoted = /^(['"])(.*)\1$/s.exec(alt);
      if (quoted) return quoted[2]!;
      if (/^-?\d+(\.\d+)?$/.test(alt)) return Number(alt);
      const v = this.source(alt, pointer, out, depth);
      if (v !== undefined) {
        if (!this.computing && typeof v !== 'object' && !out.substituted.some((x) => x.placeholder === `\${${inner}}`)) {
          out.substituted.push({ placeholder: `\${${inner}}`, value: asText(v) });
        }
        return v;
      }
    }
    // `${opt:stage}` with no flag and no fallback: the stage the framework would use.
    const first = alternatives[0] ?? '';
    if (!this.computing && (first === 'opt:stage' || first === 'sls:stage')) return this.stage;
    if (first === 'opt:region') return this.opts.region;
    return undefined;
  }

  private source(ref: string, pointer: string, out: Collector, depth: number): Json | undefined {
    const mapped = this.mapped(ref);
    if (mapped !== undefined) return mapped;
    if (depth >= MAX_DEPTH) return undefined;
    const file = /^file\(([^)]+)\)(?::(.*))?$/.exec(ref);
    if (file) return this.fromFile(file[1]!.trim().replace(/^['"]|['"]$/g, ''), file[2], pointer, out, depth);
    const colon = ref.indexOf(':');
    const [kind, address] = colon < 0 ? ['', ref] : [ref.slice(0, colon), ref.slice(colon + 1)];
    switch (kind) {
      case 'self': {
        const v = lookup(this.doc, address);
        return v === undefined ? undefined : this.resolve(v, pointer, out, depth + 1);
      }
      case 'sls': return address === 'stage' && !this.computing ? this.stage : undefined;
      case 'aws': return address === 'region' ? this.opts.region : address === 'accountId' ? this.opts.account : undefined;
      default: return undefined; // opt:, env:, ssm:, cf:, s3: … come only from --map
    }
  }

  /** `${file(./path.yml)}` and `${file(./path.yml):a.b}`, relative to this file. */
  private fromFile(path: string, address: string | undefined, pointer: string, out: Collector, depth: number): Json | undefined {
    const loaded = this.load(path, this.file, false);
    if (!loaded) return undefined;
    const parsed = parseFile(loaded.name, loaded.content);
    if (!parsed.ok) return undefined;
    const v = address === undefined || address === '' ? parsed.value : lookup(parsed.value, address);
    return v === undefined ? undefined : this.resolve(v, pointer, out, depth + 1);
  }
}

/** `a.b.0.c` inside a document. */
function lookup(doc: Json, address: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const key of address.split('.').filter((k) => k !== '')) {
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isJsonObject(node)) node = ownGet(node, key);
    else return undefined;
  }
  return node;
}
