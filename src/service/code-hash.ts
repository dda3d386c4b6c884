/**
 * Content hash of a function's code folder: a new hash at `PUT /api/functions/{name}` is a code change, hence a
 * new revision (Lambda: every deployment replaces $LATEST; in-flight calls finish on the code they started on).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Base64 SHA-256 over every file's relative path and bytes (links: their target), sorted (Lambda's CodeSha256 format). */
export function hashDirectory(dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(join(dir, r));
      // Links are hashed as links (never followed: a link to a parent folder must not loop).
      if (st.isSymbolicLink()) h.update(r).update('\0->').update(readlinkSync(join(dir, r))).update('\0');
      else if (st.isDirectory()) walk(r);
      else if (st.isFile()) h.update(r).update('\0').update(readFileSync(join(dir, r))).update('\0');
    }
  };
  walk('');
  return h.digest('base64');
}
