/**
 * POST /api/import — bring existing AWS definitions (ASL JSON/YAML, CloudFormation/SAM, serverless.yml, CDK
 * output) into the service. Body: `{"files": [{"name", "content"}], "map": {...}, "dryRun": false}`. Answers 200
 * with `{applied, stateMachines, problems}` when the import landed (or would, on a dry run), 400 with the same
 * report when any file has an ERROR problem — in which case nothing was created.
 */
import Router from '@koa/router';
import type { Service } from '../service/service.js';
import { convertFiles, type ImportFile } from '../triggers/import-files.js';
import { applyImportPlan, type ScheduleSink } from '../triggers/import-apply.js';
import { readRequestBody } from './body.js';
import { restErrors } from './rest-errors.js';


function parseRequest(text: string): { files: ImportFile[]; map: Record<string, string>; dryRun: boolean } | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'Body must be JSON: {"files": [{"name": "...", "content": "..."}], "map": {}, "dryRun": false}';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Body must be a JSON object';
  const b = body as Record<string, unknown>;
  const files = b['files'];
  if (!Array.isArray(files) || files.length === 0) return "'files' must be a non-empty array";
  const out: ImportFile[] = [];
  for (const [i, f] of files.entries()) {
    const name = (f as Record<string, unknown> | null)?.['name'];
    const content = (f as Record<string, unknown> | null)?.['content'];
    if (typeof name !== 'string' || name === '' || typeof content !== 'string') {
      return `files[${i}] must be {"name": string, "content": string}`;
    }
    out.push({ name, content });
  }
  const map = b['map'] ?? {};
  if (typeof map !== 'object' || map === null || Array.isArray(map) || Object.values(map).some((v) => typeof v !== 'string')) {
    return "'map' must be an object of strings (LogicalId → function name)";
  }
  const dryRun = b['dryRun'] ?? false;
  if (typeof dryRun !== 'boolean') return "'dryRun' must be a boolean";
  return { files: out, map: Object.fromEntries(Object.entries(map as Record<string, string>)), dryRun };
}

/** The import router (mounted by the app next to the REST router). */
export function importRouter(svc: Service, schedules?: ScheduleSink): Router {
  const router = new Router({ prefix: '/api' });
  router.use(restErrors('import api'));
  router.post('/import', async (ctx) => {
    const text = await readRequestBody(ctx);
    const req = parseRequest(text);
    if (typeof req === 'string') {
      ctx.status = 400;
      ctx.body = { error: 'ValidationException', message: req };
      return;
    }
    const { region, account } = svc.ctx.scope;
    // The server never reads its own disk for an HTTP import: files a template names must be in `files`.
    const byName = new Map(req.files.map((f) => [f.name, f.content]));
    const plan = convertFiles(req.files, { map: req.map, region, account, readFile: (p) => byName.get(p) });
    const result = applyImportPlan(svc, plan, {
      dryRun: req.dryRun,
      defaultRoleArn: `arn:aws:iam::${account}:role/asl-service-import`,
      ...(schedules ? { schedules } : {}),
    });
    const refused = result.problems.some((p) => p.severity === 'ERROR');
    ctx.status = refused ? 400 : 200;
    ctx.body = result;
  });
  return router;
}
