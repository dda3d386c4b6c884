/**
 * Argument checking shared by the intrinsic function implementations. A bad argument is
 * States.IntrinsicFailure (ASL spec: "errors in intrinsic functions").
 */
import type { Json } from '../util/json.js';
import { States, StatesError } from './errors.js';
import type { IntrinsicArg } from './intrinsic-parser.js';
import type { HashFn } from './paths.js';
import type { Prng } from './prng.js';

/** What an implementation may use besides its evaluated arguments. */
export interface Ctx {
  name: string;
  rng: Prng | undefined;
  hash: HashFn | undefined;
  /** The args as written (States.Format needs the raw template literal). */
  raw: IntrinsicArg[];
}

/** One intrinsic function: evaluated arguments in, JSON out. */
export type Impl = (args: Json[], ctx: Ctx) => Json;

/** Throws States.IntrinsicFailure naming the function. */
export function fail(ctx: Ctx, message: string): never {
  throw new StatesError(States.IntrinsicFailure, `Invalid arguments in ${ctx.name}: ${message}`);
}

/** Argument i as a string. */
export function str(args: Json[], i: number, ctx: Ctx): string {
  const v = args[i];
  if (typeof v !== 'string') fail(ctx, `argument ${i + 1} must be a string, got ${JSON.stringify(v)}`);
  return v;
}
/** Argument i as an array. */
export function arr(args: Json[], i: number, ctx: Ctx): Json[] {
  const v = args[i];
  if (!Array.isArray(v)) fail(ctx, `argument ${i + 1} must be an array, got ${JSON.stringify(v)}`);
  return v;
}
/** Argument i as an integer. */
export function int(args: Json[], i: number, ctx: Ctx): number {
  const v = args[i];
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(ctx, `argument ${i + 1} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}
/** Argument i as a number. */
export function num(args: Json[], i: number, ctx: Ctx): number {
  const v = args[i];
  if (typeof v !== 'number') fail(ctx, `argument ${i + 1} must be a number, got ${JSON.stringify(v)}`);
  return v;
}
