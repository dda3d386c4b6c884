/**
 * HTTP triggers (`/api/triggers`): a method + path bound to a state machine, and the responses of Express runs
 * kept per Idempotency-Key (an Express execution has no name uniqueness, so a retried request is answered
 * from this table instead of running twice).
 */
import type { Db } from './db.js';

export interface HttpTriggerRow {
  name: string;
  method: string;
  path: string;
  smArn: string;
  responseMapping: string | null;
  createdMs: number;
}

/** How long an Express run's response answers retries with the same Idempotency-Key (a day). */
const RESPONSE_TTL_MS = 86_400_000;

const COLS = 'name, method, path, sm_arn AS smArn, response_mapping AS responseMapping, created_ms AS createdMs';

/** Prepared statements over the HTTP trigger tables. */
export function httpTriggerRepo(db: Db) {
  const s = {
    get: db.prepare(`SELECT ${COLS} FROM http_triggers WHERE name = ?`),
    list: db.prepare(`SELECT ${COLS} FROM http_triggers ORDER BY name`),
    insert: db.prepare(`INSERT INTO http_triggers (name, method, path, sm_arn, response_mapping, created_ms)
      VALUES (@name, @method, @path, @smArn, @responseMapping, @createdMs)`),
    delete: db.prepare('DELETE FROM http_triggers WHERE name = ?'),
    deleteResponses: db.prepare('DELETE FROM http_trigger_responses WHERE trigger_name = ?'),
    response: db.prepare('SELECT response FROM http_trigger_responses WHERE trigger_name = ? AND idempotency_key = ? AND created_ms >= ?'),
    pruneResponses: db.prepare('DELETE FROM http_trigger_responses WHERE created_ms < ?'),
    putResponse: db.prepare(`INSERT OR IGNORE INTO http_trigger_responses (trigger_name, idempotency_key, response, created_ms)
      VALUES (?, ?, ?, ?)`),
  };
  return {
    get: (name: string) => s.get.get(name) as HttpTriggerRow | undefined,
    list: () => s.list.all() as HttpTriggerRow[],
    insert: (row: HttpTriggerRow) => void s.insert.run(row),
    delete: (name: string) => db.transaction(() => {
      s.deleteResponses.run(name);
      return s.delete.run(name).changes > 0;
    })(),
    /** The stored response (JSON text) of an Express run for this key. */
    response: (name: string, key: string, nowMs: number) =>
      (s.response.get(name, key, nowMs - RESPONSE_TTL_MS) as { response: string } | undefined)?.response,
    /** Stores a response, dropping those past the idempotency window so the table cannot grow without bound. */
    putResponse: (name: string, key: string, response: string, nowMs: number) => {
      s.pruneResponses.run(nowMs - RESPONSE_TTL_MS);
      s.putResponse.run(name, key, response, nowMs);
    },
  };
}

export type HttpTriggerRepo = ReturnType<typeof httpTriggerRepo>;
