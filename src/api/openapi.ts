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
    '/api/functions': { get: { summary: 'List registered Lambda functions', responses: { 200: ok('`{ functions: [{ name, endpoint, updatedAt }] }`') } } },
    '/api/functions/{name}': {
      parameters: [nameParam('name', 'Lambda function name')],
      put: {
        summary: 'Register (or replace) a function: `{ "endpoint": "http://host:port/2015-03-31/functions/function/invocations" }`',
        requestBody: { required: true, content: json },
        responses: { 200: ok('`{ name, endpoint, updatedAt }`'), 400: error },
      },
      get: { summary: 'Describe a registration', responses: { 200: ok('`{ name, endpoint, updatedAt }`'), 404: error } },
      delete: { summary: 'Remove a registration', responses: { 204: { description: 'Removed' }, 404: error } },
    },
  },
} as const;
