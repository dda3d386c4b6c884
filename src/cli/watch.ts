/**
 * `asl watch EXECUTION_ARN [--endpoint http://127.0.0.1:8080] [--json]`: follows one execution live over the
 * WebSocket stream (`/api/ws`, docs/websocket.md) and prints it as it runs. A dropped connection (server restart,
 * network, overflow) is resumed from the last event id received, with exponential backoff, so every event is
 * shown exactly once. Exit 0 when the execution succeeded, 1 otherwise.
 */
import { WebSocket } from 'ws';
import { parseArgs, rejectUnknown, stringOption, UsageError } from './args.js';
import { createWatchView, type WireEvent } from './watch-view.js';

const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 5000;
/** Consecutive failed connection attempts before giving up (about a minute and a half with the backoff). */
const MAX_ATTEMPTS = 20;

const SILENCE_MS = 75_000;

type Outcome = { status: string } | { failure: string };

/** The WebSocket URL of the stream endpoint for an API endpoint (`http://h:p` → `ws://h:p/api/ws`). */
export function streamUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint is not a URL: '${endpoint}'`);
  }
  if (url.protocol === 'http:' || url.protocol === 'ws:') url.protocol = 'ws:';
  else if (url.protocol === 'https:' || url.protocol === 'wss:') url.protocol = 'wss:';
  else throw new UsageError(`--endpoint must be http(s) or ws(s): '${endpoint}'`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/ws`;
  return url.toString();
}

/** Runs the command; returns the exit code. */
export async function watchCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['json']);
  rejectUnknown(args, ['endpoint', 'json']);
  const [executionArn, ...extra] = args.positionals;
  if (executionArn === undefined || extra.length > 0) throw new UsageError('watch needs exactly one EXECUTION_ARN');
  const url = streamUrl(stringOption(args, 'endpoint', process.env['ASL_ENDPOINT'] ?? 'http://127.0.0.1:8080'));
  const json = args.options.has('json');
  const render = createWatchView();
  let lastId = 0;
  let failures = 0;

  const onEvents = (events: WireEvent[]): void => {
    for (const e of events) {
      if (e.id <= lastId) continue; // never shown twice, whatever the server sends
      lastId = e.id;
      if (json) out(JSON.stringify(e));
      else for (const line of render(e)) out(line);
    }
  };

  for (;;) {
    const result = await session(url, executionArn, lastId, onEvents, () => { failures = 0; });
    if (result !== undefined) {
      if ('failure' in result) {
        out(`asl watch: ${result.failure}`);
        return 1;
      }
      if (!json) out(`execution ${result.status}`);
      return result.status === 'SUCCEEDED' ? 0 : 1;
    }
    failures++;
    if (failures >= MAX_ATTEMPTS) {
      out(`asl watch: gave up after ${failures} failed connection attempts to ${url}`);
      return 1;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1));
    if (!json) out(`… connection lost; reconnecting in ${delay}ms from event ${lastId}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/**
 * One connection: subscribe from `sinceEventId`, feed events until the execution closes. Resolves with the
 * outcome, or undefined when the connection dropped first (the caller reconnects).
 */
function session(
  url: string, executionArn: string, sinceEventId: number, onEvents: (events: WireEvent[]) => void, onProgress: () => void,
): Promise<Outcome | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: 5000 });
    let outcome: Outcome | undefined;
    const finish = (o: Outcome) => {
      outcome ??= o;
      ws.close(1000);
    };
    ws.on('open', () => ws.send(JSON.stringify({ action: 'subscribe', executionArn, sinceEventId })));
    ws.on('message', (data) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        return;
      }
      onProgress();
      if (msg['type'] === 'events' && Array.isArray(msg['events'])) onEvents(msg['events'] as WireEvent[]);
      else if (msg['type'] === 'closed') finish({ status: String(msg['status']) });
      // A failed catch-up is the server's trouble (e.g. shutting down): reconnect. Anything else is final.
      else if (msg['type'] === 'error' && String(msg['message']).startsWith('catch-up failed')) ws.close(1000);
      else if (msg['type'] === 'error') finish({ failure: String(msg['message']) });
      // `overflow`: the server closes next; we resume from our own last id.
    });
    // The server pings every 30 s: silence for much longer means a dead peer that never sent a FIN.
    let heard = Date.now();
    ws.on('ping', () => { heard = Date.now(); });
    ws.on('message', () => { heard = Date.now(); });
    const watchdog = setInterval(() => { if (Date.now() - heard > SILENCE_MS) ws.terminate(); }, 5000);
    ws.on('error', () => undefined); // 'close' follows and decides
    ws.on('close', () => {
      clearInterval(watchdog);
      resolve(outcome);
    });
  });
}
