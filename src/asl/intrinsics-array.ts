/** The array intrinsic functions (AWS docs "Intrinsics for arrays"). */
import type { Json } from '../util/json.js';
import { arr, fail, int } from './intrinsics-args.js';
import type { Ctx, Impl } from './intrinsics-args.js';
import { jsonEquals } from './intrinsics-encoding.js';

// AWS: "The States.ArrayRange function can produce up to 1000 items".
const MAX_RANGE_ITEMS = 1000;

/** Inclusive range: States.ArrayRange(1, 9, 2) → [1, 3, 5, 7, 9] (AWS docs). */
function arrayRange(args: Json[], ctx: Ctx): Json {
  const [start, end, step] = [int(args, 0, ctx), int(args, 1, ctx), int(args, 2, ctx)];
  if (step === 0) fail(ctx, 'the step argument must not be 0');
  const count = Math.max(0, Math.floor((end - start) / step) + 1);
  if (count > MAX_RANGE_ITEMS) fail(ctx, `the range must not exceed ${MAX_RANGE_ITEMS} items`);
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(start + k * step);
  return out;
}

/** States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique. */
export const ARRAY_FUNCTIONS: Record<string, Impl> = {
  'States.Array': (args) => args,
  'States.ArrayPartition': (args, ctx) => {
    const a = arr(args, 0, ctx);
    const size = int(args, 1, ctx);
    if (size <= 0) fail(ctx, 'the chunk size must be greater than 0');
    const out: Json[] = [];
    for (let i = 0; i < a.length; i += size) out.push(a.slice(i, i + size));
    return out;
  },
  'States.ArrayContains': (args, ctx) => arr(args, 0, ctx).some((x) => jsonEquals(x, args[1]!)),
  'States.ArrayRange': arrayRange,
  'States.ArrayGetItem': (args, ctx) => {
    const a = arr(args, 0, ctx);
    const i = int(args, 1, ctx);
    if (i < 0 || i >= a.length) fail(ctx, `index ${i} is out of bounds for an array of length ${a.length}`);
    return a[i]!;
  },
  'States.ArrayLength': (args, ctx) => arr(args, 0, ctx).length,
  'States.ArrayUnique': (args, ctx) => {
    const out: Json[] = [];
    for (const x of arr(args, 0, ctx)) if (!out.some((y) => jsonEquals(x, y))) out.push(x);
    return out;
  },
};
