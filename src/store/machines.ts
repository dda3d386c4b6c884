/** State machines, their revisions (definition + role), published versions, aliases and tags. */
import type { Db } from './db.js';

export interface MachineRow {
  arn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  revisionId: string;
  logging: string | null;
  tracing: string | null;
  encryption: string | null;
  description: string | null;
  createdMs: number;
  updatedMs: number;
  nextVersion: number;
}

export interface RevisionRow {
  revisionId: string;
  smArn: string;
  definition: string;
  roleArn: string;
  createdMs: number;
}

export interface VersionRow {
  arn: string;
  smArn: string;
  version: number;
  revisionId: string;
  description: string | null;
  createdMs: number;
}

export interface AliasRow {
  arn: string;
  smArn: string;
  name: string;
  description: string | null;
  /** JSON: [{ stateMachineVersionArn, weight }]. */
  routing: string;
  createdMs: number;
  updatedMs: number;
}

const MACHINE_COLS = `arn, name, type, revision_id AS revisionId, logging, tracing, encryption, description,
  created_ms AS createdMs, updated_ms AS updatedMs, next_version AS nextVersion`;
const VERSION_COLS = `arn, sm_arn AS smArn, version, revision_id AS revisionId, description, created_ms AS createdMs`;
const ALIAS_COLS = `arn, sm_arn AS smArn, name, description, routing, created_ms AS createdMs, updated_ms AS updatedMs`;

/** Prepared statements over the state machine tables, created once per database. */
export function machineRepo(db: Db) {
  const s = {
    get: db.prepare(`SELECT ${MACHINE_COLS} FROM state_machines WHERE arn = ?`),
    byName: db.prepare(`SELECT ${MACHINE_COLS} FROM state_machines WHERE name = ?`),
    list: db.prepare(`SELECT ${MACHINE_COLS} FROM state_machines WHERE name > ? ORDER BY name LIMIT ?`),
    insert: db.prepare(`INSERT INTO state_machines (arn, name, type, revision_id, logging, tracing, encryption,
      description, created_ms, updated_ms, next_version) VALUES (@arn, @name, @type, @revisionId, @logging, @tracing,
      @encryption, @description, @createdMs, @updatedMs, @nextVersion)`),
    update: db.prepare(`UPDATE state_machines SET revision_id = @revisionId, logging = @logging, tracing = @tracing,
      encryption = @encryption, updated_ms = @updatedMs, next_version = @nextVersion WHERE arn = @arn`),
    delete: db.prepare('DELETE FROM state_machines WHERE arn = ?'),
    revision: db.prepare(`SELECT revision_id AS revisionId, sm_arn AS smArn, definition, role_arn AS roleArn,
      created_ms AS createdMs FROM revisions WHERE revision_id = ?`),
    insertRevision: db.prepare(`INSERT INTO revisions (revision_id, sm_arn, definition, role_arn, created_ms)
      VALUES (@revisionId, @smArn, @definition, @roleArn, @createdMs)`),
    version: db.prepare(`SELECT ${VERSION_COLS} FROM versions WHERE arn = ?`),
    versions: db.prepare(`SELECT ${VERSION_COLS} FROM versions WHERE sm_arn = ? AND version < ? ORDER BY version DESC LIMIT ?`),
    insertVersion: db.prepare(`INSERT INTO versions (arn, sm_arn, version, revision_id, description, created_ms)
      VALUES (@arn, @smArn, @version, @revisionId, @description, @createdMs)`),
    deleteVersion: db.prepare('DELETE FROM versions WHERE arn = ?'),
    deleteVersions: db.prepare('DELETE FROM versions WHERE sm_arn = ?'),
    alias: db.prepare(`SELECT ${ALIAS_COLS} FROM aliases WHERE arn = ?`),
    aliases: db.prepare(`SELECT ${ALIAS_COLS} FROM aliases WHERE sm_arn = ? AND name > ? ORDER BY name LIMIT ?`),
    upsertAlias: db.prepare(`INSERT INTO aliases (arn, sm_arn, name, description, routing, created_ms, updated_ms)
      VALUES (@arn, @smArn, @name, @description, @routing, @createdMs, @updatedMs)
      ON CONFLICT (arn) DO UPDATE SET description = excluded.description, routing = excluded.routing,
      updated_ms = excluded.updated_ms`),
    deleteAlias: db.prepare('DELETE FROM aliases WHERE arn = ?'),
    deleteAliases: db.prepare('DELETE FROM aliases WHERE sm_arn = ?'),
    tags: db.prepare('SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key'),
    putTag: db.prepare(`INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?)
      ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`),
    deleteTag: db.prepare('DELETE FROM tags WHERE resource_arn = ? AND key = ?'),
    // The machine's own tags and those of its aliases (`<arn>:<alias>`).
    deleteTags: db.prepare("DELETE FROM tags WHERE resource_arn = ? OR substr(resource_arn, 1, length(?) + 1) = ? || ':'"),
  };
  // Read on every StartExecution. The service owns its database file (locking_mode EXCLUSIVE), so every write
  // goes through this repo: a machine row is cached until a write touches it; revisions never change. Reads inside
  // a transaction are not cached: it may still roll back what they saw.
  const machines = new Map<string, MachineRow | undefined>();
  const revisions = new Map<string, RevisionRow>();
  const forget = (arn: string) => machines.delete(arn);
  return {
    get(arn: string): MachineRow | undefined {
      if (machines.has(arn)) return machines.get(arn);
      const row = s.get.get(arn) as MachineRow | undefined;
      if (db.inTransaction) return row;
      if (machines.size >= CACHED) machines.clear();
      machines.set(arn, row);
      return row;
    },
    byName: (name: string) => s.byName.get(name) as MachineRow | undefined,
    /** Machines ordered by name, after `afterName`. */
    list: (afterName: string, limit: number) => s.list.all(afterName, limit) as MachineRow[],
    insert: (row: MachineRow) => {
      forget(row.arn);
      s.insert.run(row);
    },
    update: (row: MachineRow) => {
      forget(row.arn);
      s.update.run(row);
    },
    /** Deletes the machine with its versions, aliases and tags (revisions stay: executions reference them). */
    delete: (arn: string) => {
      forget(arn);
      s.delete.run(arn);
      s.deleteVersions.run(arn);
      s.deleteAliases.run(arn);
      s.deleteTags.run(arn, arn, arn);
    },
    revision(id: string): RevisionRow | undefined {
      const hit = revisions.get(id);
      if (hit) return hit;
      const row = s.revision.get(id) as RevisionRow | undefined;
      if (row && !db.inTransaction) {
        if (revisions.size >= CACHED) revisions.clear();
        revisions.set(id, row);
      }
      return row;
    },
    insertRevision: (row: RevisionRow) => void s.insertRevision.run(row),
    version: (arn: string) => s.version.get(arn) as VersionRow | undefined,
    /** Versions newest first, below version number `below`. */
    versions: (smArn: string, below: number, limit: number) => s.versions.all(smArn, below, limit) as VersionRow[],
    insertVersion: (row: VersionRow) => void s.insertVersion.run(row),
    deleteVersion: (arn: string) => void s.deleteVersion.run(arn),
    alias: (arn: string) => s.alias.get(arn) as AliasRow | undefined,
    aliases: (smArn: string, afterName: string, limit: number) => s.aliases.all(smArn, afterName, limit) as AliasRow[],
    putAlias: (row: AliasRow) => void s.upsertAlias.run(row),
    deleteAlias: (arn: string) => {
      s.deleteAlias.run(arn);
      s.deleteTags.run(arn, arn, arn);
    },
    tags: (arn: string) => s.tags.all(arn) as { key: string; value: string }[],
    putTag: (arn: string, key: string, value: string) => void s.putTag.run(arn, key, value),
    deleteTag: (arn: string, key: string) => void s.deleteTag.run(arn, key),
  };
}

/** Most machine rows / revisions kept in memory (a crude bound: the cache is emptied when full). */
const CACHED = 1024;

export type MachineRepo = ReturnType<typeof machineRepo>;
