#!/usr/bin/env node
// npm run conformance [-- runner options]: start `asl serve` on a free port with a fresh temporary database,
// run the AWS-recorded conformance corpus (../shared/conformance) against it, stop the server.
// Extra arguments go to the runner, e.g. `npm run conformance -- --only 'choice_operators/' -v`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.ASL_CONFORMANCE_DIR ?? resolve(root, '../shared/conformance');
if (!existsSync(join(shared, 'run.mjs'))) {
  console.error(`conformance: runner not found at ${shared} (set ASL_CONFORMANCE_DIR)`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'asl-conformance-'));
const server = spawn(process.execPath, [join(root, 'bin/asl'), 'serve', '--port', '0', '--db', join(dir, 'asl.db')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolveUrl, reject) => {
  let buf = '';
  server.stdout.on('data', (chunk) => {
    buf += chunk;
    const m = /listening on (http:\/\/\S+)/.exec(buf);
    if (m) resolveUrl(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`asl serve exited with ${code}`)));
});
server.stdout.resume();
const runner = spawn(
  process.execPath,
  [join(shared, 'run.mjs'), '--endpoint', url, '--functions-url', `${url}/api`, '--cases', join(shared, 'cases'),
    ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
const code = await new Promise((r) => runner.on('exit', (c) => r(c ?? 1)));
server.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
process.exit(code);
