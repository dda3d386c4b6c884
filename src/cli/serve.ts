/** `asl serve`: the service on an embedded default (a SQLite file under ./data, AWS API on POST /, REST under /api). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../main.js';
import { loadSamples } from './samples.js';
import { intOption, parseArgs, rejectUnknown, stringOption, UsageError } from './args.js';

const KNOWN = ['host', 'port', 'db', 'region', 'account', 'durability', 'samples', 'samples-data', 'no-samples', 'smtp-port', 'smtp-host', 'functions'];
/** The samples shipped with the package (`samples/` next to `src/` and `dist/`). */
const PACKAGE_SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));

/** Starts the server and resolves when it stops (SIGINT/SIGTERM); returns the exit code. */
export async function serveCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['no-samples']);
  rejectUnknown(args, KNOWN);
  if (args.positionals.length > 0) throw new UsageError(`serve takes no arguments, got '${args.positionals[0]}'`);
  const durability = stringOption(args, 'durability', 'normal');
  if (durability !== 'normal' && durability !== 'full') throw new UsageError('--durability must be normal or full');
  const account = stringOption(args, 'account', '123456789012');
  if (!/^\d{12}$/.test(account)) throw new UsageError('--account must be 12 digits');
  const host = stringOption(args, 'host', '127.0.0.1');
  const db = stringOption(args, 'db', './data/asl.db');

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      host,
      port: intOption(args, 'port', 8080, 0, 65535),
      db,
      region: stringOption(args, 'region', 'us-east-1'),
      account,
      durability,
      log: (line) => out(line),
      ...(args.options.has('smtp-port') ? { smtpPort: intOption(args, 'smtp-port', 2525, 0, 65535) } : {}),
      smtpHost: stringOption(args, 'smtp-host', '127.0.0.1'),
      ...(args.options.has('functions') ? { functions: stringOption(args, 'functions', '') } : {}),
    });
  } catch (e) {
    // What the machine refuses (the port or the database is taken, a folder is unreadable) is not a crash.
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || /in use by another process/.test((e as Error).message)) {
      console.error(`asl serve: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  }
  // Samples: functions in the built-in host + their state machines; data next to the database unless overridden.
  const samples = args.options.has('no-samples') ? undefined : await loadSamples(server.service, stringOption(args, 'samples', PACKAGE_SAMPLES), {
    log: (line) => out(line),
    dataDir: stringOption(args, 'samples-data') ?? join(dirname(db), 'samples'),
  });
  out(`listening on ${server.url}`);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void (samples?.close() ?? Promise.resolve()).then(() => server.close()).then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
