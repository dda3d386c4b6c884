/** A keep-alive JSON POST over node:http (the same transport our Lambda dispatcher uses: http.Agent keepAlive). */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function putJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'PUT', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** Median and p99 of `n` sequential round trips to the echo endpoint with `body` (after a warm-up), in ms. */
export async function rawRoundTrip(url: string, body: string, n: number): Promise<{ p50: number; mean: number; p99: number }> {
  for (let i = 0; i < 50; i++) await postJson(url, body);
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await postJson(url, body);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(n / 2)]!, mean: t.reduce((a, b) => a + b, 0) / n, p99: t[Math.min(n - 1, Math.floor(n * 0.99))]! };
}
