/** The OpenAPI 3.1 description of the REST API under /api (served at GET /api/openapi.json). */
const json = { 'application/json': { schema: { type: 'object' } } };
const text = { 'text/plain': { schema: { type: 'string' } } };
const error = { description: 'Client error: `{ "error": CODE, "message": TEXT }`', content: json };
const ok = (description: string) => ({ description, content: json });
const nameParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const execId = nameParam('id', 'An execution ARN (URL-encoded) or `stateMachineName:executionName`');

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'asl-service REST API',
    version: '0.1.0',
    description: 'Runs Amazon States Language state machines as AWS Step Functions does. The AWS Step Functions JSON API is served on POST / as well.',
  },
  paths: {
    '/api/health': { get: { summary: 'Liveness', responses: { 200: ok('`{ "status": "ok" }`') } } },
    '/api/validate': {
      post: {
        summary: 'Validate a definition (the body), or `{ definition, type }`; `?type=EXPRESS` selects Express rules',
        requestBody: { content: { ...json, ...text } },
        responses: { 200: ok('`{ "result": "OK" | "FAIL", "diagnostics": [{ severity, code, message, location? }] }`') },
      },
    },
    '/api/state-machines': {
      get: { summary: 'List state machines', responses: { 200: ok('`{ stateMachines: [...] }`') } },
      post: {
        summary: 'Create a state machine: `{ name, definition (object or string), type?, roleArn?, tags? }`, or `?name=N[&type=EXPRESS]` with the definition text as the body',
        parameters: [
          { name: 'name', in: 'query', schema: { type: 'string' } },
          { name: 'type', in: 'query', schema: { type: 'string', enum: ['STANDARD', 'EXPRESS'] } },
        ],
        requestBody: { required: true, content: { ...json, ...text } },
        responses: { 201: ok('`{ stateMachineArn, creationDate }`'), 400: error },
      },
    },
    '/api/state-machines/{name}': {
      parameters: [nameParam('name', 'State machine name')],
      get: { summary: 'Describe a state machine', responses: { 200: ok('DescribeStateMachine output'), 404: error } },
      put: { summary: 'Update: `{ definition?, roleArn?, publish? }`', requestBody: { content: json }, responses: { 200: ok('`{ updateDate, revisionId }`'), 400: error, 404: error } },
      delete: { summary: 'Delete a state machine', responses: { 204: { description: 'Deleted' }, 404: error } },
    },
    '/api/state-machines/{name}/executions': {
      parameters: [nameParam('name', 'State machine name')],
      get: {
        summary: 'List executions, newest first (`?status=RUNNING|SUCCEEDED|...`, `maxResults`, `nextToken`)',
        responses: { 200: ok('`{ executions: [...], nextToken? }`'), 400: error, 404: error },
      },
      post: {
        summary: 'Start an execution; the body is the input. `?name=` names it, `?wait=true` answers when it has finished',
        parameters: [
          { name: 'name', in: 'query', schema: { type: 'string' } },
          { name: 'wait', in: 'query', schema: { type: 'boolean' } },
        ],
        requestBody: { content: json },
        responses: { 201: ok('`{ executionArn, startDate }`'), 200: ok('DescribeExecution output (with ?wait=true)'), 400: error, 404: error },
      },
    },
    '/api/executions/{id}': { parameters: [execId], get: { summary: 'Describe an execution', responses: { 200: ok('DescribeExecution output'), 404: error } } },
    '/api/executions/{id}/history': {
      parameters: [execId],
      get: {
        summary: 'AWS-shaped history events (paged: `maxResults`, `nextToken`, `reverseOrder`)',
        responses: { 200: ok('`{ events: [...], nextToken? }`'), 404: error },
      },
    },
    '/api/executions/{id}/stop': {
      parameters: [execId],
      post: { summary: 'Stop an execution: `{ error?, cause? }`', requestBody: { content: json }, responses: { 200: ok('`{ stopDate }`'), 404: error } },
    },
    '/api/functions': { get: { summary: 'List registered Lambda functions', responses: { 200: ok('`{ functions: [{ name, endpoint, endpoints? | path?, runtime?, handler?, timeout?, memorySize?, environment?, maxConcurrency?, warm?, version, revision, codeSha256?, updatedAt }] }`') } } },
    '/api/functions/{name}': {
      parameters: [nameParam('name', 'Lambda function name (1-64 of [a-zA-Z0-9-_])')],
      put: {
        summary: 'Register or replace a function: `{ endpoint }` or `{ endpoints: [...] }` (RIE containers, one call in flight each) or `{ path, runtime?: "nodejs"|"python", handler? }` (built-in host), plus `timeout?` (1-900 s), `memorySize?` (128-10240), `environment?`, `maxConcurrency?` (reserved concurrency: more calls are throttled), `warm?` (environments started now). A change of code (folder content hash) or configuration is a new revision of $LATEST; an identical PUT changes nothing',
        requestBody: { required: true, content: json },
        responses: { 200: ok('The registration'), 400: error },
      },
      get: { summary: 'Describe a registration with its published versions and aliases', responses: { 200: ok('The registration + `{ versions: [N...], aliases: { NAME: N } }`'), 404: error } },
      delete: { summary: 'Remove a function, its versions and aliases (running calls finish)', responses: { 204: { description: 'Removed' }, 404: error } },
    },
    '/api/functions/{name}/versions': {
      parameters: [nameParam('name', 'Lambda function name')],
      post: { summary: 'Publish $LATEST as the next version (its code is copied); unchanged since the last version → that version', responses: { 201: ok('`{ name, version, codeSha256? }`'), 404: error } },
      get: { summary: 'List published versions', responses: { 200: ok('`{ versions: [{ version, codeSha256?, createdAt }] }`'), 404: error } },
    },
    '/api/functions/{name}/aliases': {
      parameters: [nameParam('name', 'Lambda function name')],
      get: { summary: 'List aliases', responses: { 200: ok('`{ aliases: [{ alias, version }] }`'), 404: error } },
    },
    '/api/functions/{name}/aliases/{alias}': {
      parameters: [nameParam('name', 'Lambda function name'), nameParam('alias', 'Alias name (1-128 of [a-zA-Z0-9-_], not all digits)')],
      put: { summary: 'Create or move an alias: `{ "version": "N" }` (then `function:NAME:ALIAS` resolves to it)', requestBody: { required: true, content: json }, responses: { 200: ok('`{ name, alias, version }`'), 400: error, 404: error } },
      delete: { summary: 'Remove an alias', responses: { 204: { description: 'Removed' }, 404: error } },
    },
    '/api/tasks/{token}/success': {
      parameters: [nameParam('token', 'A task token (URL-encoded): `$$.Task.Token` of a .waitForTaskToken task, or an activity task token')],
      post: { summary: 'SendTaskSuccess: the body is the task output (JSON)', requestBody: { content: json }, responses: { 200: ok('`{}`'), 400: error, 404: error } },
    },
    '/api/tasks/{token}/failure': {
      parameters: [nameParam('token', 'A task token (URL-encoded)')],
      post: { summary: 'SendTaskFailure: `{ error?, cause? }`', requestBody: { content: json }, responses: { 200: ok('`{}`'), 400: error, 404: error } },
    },
    '/api/tasks/{token}/heartbeat': {
      parameters: [nameParam('token', 'A task token (URL-encoded)')],
      post: { summary: 'SendTaskHeartbeat (re-arms HeartbeatSeconds)', responses: { 200: ok('`{}`'), 400: error, 404: error } },
    },
  },
} as const;
