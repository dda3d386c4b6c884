/**
 * Who may talk to a loopback-bound server. A web page the operator visits can send simple cross-site POSTs and
 * open WebSockets to 127.0.0.1, and DNS rebinding can make such a page look same-origin; both carry a Host or
 * Origin that is not ours. AWS SDKs and CLIs send no Origin and a loopback Host — `sync-` prefixed for
 * StartSyncExecution (docs/api.md) — so they pass.
 */

const LOOPBACK = ['localhost', '127.0.0.1', '::1', '[::1]'];

/** The host names a server bound to `bindHost` answers to, or undefined (any) when it is not bound to loopback. */
export function allowedHostsFor(bindHost: string): ReadonlySet<string> | undefined {
  if (!LOOPBACK.includes(bindHost) && !bindHost.startsWith('127.')) return undefined;
  const names = new Set<string>([...LOOPBACK, bindHost]);
  for (const n of [...names]) names.add(`sync-${n}`);
  return names;
}

/** The host name of a Host header or URL host (`[::1]:8080` → `[::1]`, `localhost:8080` → `localhost`). */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** Why a request must be refused, or undefined when it may proceed. */
export function refusal(headers: { host?: string; origin?: string }, allowed: ReadonlySet<string> | undefined): string | undefined {
  const host = headers.host ?? '';
  if (allowed && !allowed.has(hostName(host))) return `Host '${host}' is not served here`;
  const origin = headers.origin;
  if (origin === undefined || origin === '') return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `Origin '${origin}' is not a URL`;
  }
  // A browser page may only call us from a page we served ourselves.
  return originHost.toLowerCase() === host.toLowerCase() ? undefined : `Cross-origin request from '${origin}' refused`;
}
