// A minimal RIE-compatible echo function for W5, run as its own process (manifest: "the echo server runs in a
// separate process"). POST /2015-03-31/functions/function/invocations answers 200 with the request body, as the
// Lambda Runtime Interface Emulator does for a handler `async (event) => event`. Unlike one RIE container it
// answers calls concurrently, so W5 at concurrency 16 measures the orchestrators, not a one-call-at-a-time host.
// Usage: node echo-server.mjs [PORTS]: listens on PORTS ports (default 1), like PORTS RIE containers, and prints
// `listening on URL1,URL2,…` (the invoke URLs) once bound.
import http from 'node:http';

const PATH = '/2015-03-31/functions/function/invocations';
const handler = (req, res) => {
  if (req.method !== 'POST' || req.url !== PATH) {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body.length ? body : 'null');
  });
};
const count = Math.max(1, Number(process.argv[2] ?? 1));
const servers = Array.from({ length: count }, () => http.createServer(handler));
const ports = await Promise.all(servers.map((s) => new Promise((resolve) => {
  s.keepAliveTimeout = 65_000;
  s.listen(0, '127.0.0.1', () => resolve(s.address().port));
})));
process.stdout.write(`listening on ${ports.map((p) => `http://127.0.0.1:${p}${PATH}`).join(',')}\n`);
process.on('SIGTERM', () => process.exit(0));
