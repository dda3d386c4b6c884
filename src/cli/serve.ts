/** `asl serve`: the service on an embedded default (a SQLite file under ./data, AWS API on POST /, REST under /api). */
import { startServer } from '../main.js';
import { intOption, parseArgs, rejectUnknown, stringOption, UsageError } from './args.js';

const KNOWN = ['host', 'port', 'db', 'region', 'account', 'durability'];

/** Starts the server and resolves when it stops (SIGINT/SIGTERM); returns the exit code. */
export async function serveCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv);
  rejectUnknown(args, KNOWN);
  if (args.positionals.length > 0) throw new UsageError(`serve takes no arguments, got '${args.positionals[0]}'`);
  const durability = stringOption(args, 'durability', 'normal');
  if (durability !== 'normal' && durability !== 'full') throw new UsageError('--durability must be normal or full');
  const account = stringOption(args, 'account', '123456789012');
  if (!/^\d{12}$/.test(account)) throw new UsageError('--account must be 12 digits');
  const host = stringOption(args, 'host', '127.0.0.1');

  const server = await startServer({
    host,
    port: intOption(args, 'port', 8080, 0, 65535),
    db: stringOption(args, 'db', './data/asl.db'),
    region: stringOption(args, 'region', 'us-east-1'),
    account,
    durability,
    log: (line) => out(line),
  });
  out(`listening on ${server.url}`);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
