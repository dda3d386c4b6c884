/** The `asl` command line: dispatches to one module per command. */
import { UsageError } from './args.js';

const USAGE = `usage: asl <command> [options]

commands:
  serve      [--host 127.0.0.1] [--port 8080] [--db ./data/asl.db] [--region us-east-1]
             [--account 123456789012] [--durability normal|full]
             [--samples DIR | --no-samples] [--samples-data DIR] [--smtp-port N [--smtp-host 127.0.0.1]]
             [--functions DIR]
             Start the service: AWS Step Functions JSON API on POST /, REST API under /api,
             WebSocket stream on /api/ws; loads the bundled samples (functions + state machines).
  validate   FILE... [--json] [--type STANDARD|EXPRESS]
             Validate ASL definitions with AWS-style diagnostics; exit 1 on any error.
  run        FILE [--input JSON] [--name NAME] [--type STANDARD|EXPRESS] [--watch] [--endpoint URL]
             Create or update FILE's state machine on a running server, run it, print (or --watch) the result.
  import     PATH... [--map LogicalId=functionName]... [--dry-run] [--endpoint URL]
             Import ASL files and AWS templates (CloudFormation, SAM, serverless.yml, cdk.out) into a running server.
  watch      EXECUTION_ARN [--endpoint http://127.0.0.1:8080] [--json]
             Follow an execution live over WebSocket (/api/ws); exit 0 if it succeeded, 1 otherwise.
  help       Show this text.`;

type Command = (argv: string[], out: (s: string) => void) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.js')).serveCommand,
  validate: async () => (await import('./validate.js')).validateCommand,
  watch: async () => (await import('./watch.js')).watchCommand,
  run: async () => (await import('./run.js')).runCommand,
  import: async () => (await import('./import.js')).importCommand,
};

/** Runs the CLI with argv (without node and script); returns the process exit code. */
export async function main(argv: string[], out: (s: string) => void = (s) => console.log(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    console.error(`asl: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest, out);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`asl ${name}: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

// Run directly (`node --import tsx src/cli/main.ts ...` in tests); bin/asl imports `main` instead.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
