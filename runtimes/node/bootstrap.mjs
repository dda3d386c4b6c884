// A pure-JS Lambda runtime client for Node.js (no native addon), with the semantics of AWS's `aws-lambda-ric`
// (the client behind the nodejs20.x runtime): handler loading and its Runtime.* init errors, async and callback
// handlers, the context object, `{errorType, errorMessage, trace}` errors, console lines prefixed with the
// request id. It speaks the Lambda Runtime API at $AWS_LAMBDA_RUNTIME_API (our host or a real RIE).
// Plain JS on purpose: it is spawned as-is, never compiled.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const API = process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001';
const [API_HOST, API_PORT] = [API.slice(0, API.lastIndexOf(':')), Number(API.slice(API.lastIndexOf(':') + 1))];
// Idle keep-alive sockets are unref'd, so the agent never keeps the event loop (and beforeExit) from draining.
// No maxSockets: an error posted from an uncaught exception must not queue behind a pending /next.
const agent = new http.Agent({ keepAlive: true });
const BASE = '/2018-06-01/runtime';

// ---------- Runtime API transport ----------
function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: API_HOST, port: API_PORT, method, path: urlPath, agent, headers: body === undefined ? headers : { ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function postOrDie(urlPath, body, headers) {
  return request('POST', urlPath, body, headers).catch((err) => {
    process.stderr.write(`runtime API unreachable: ${err.message}\n`);
    process.exit(1);
  });
}

// ---------- error formatting (aws-lambda-ric Errors.js toRapidResponse) ----------
function isErrorLike(e) {
  return e && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string';
}

function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack' };
  }
}

function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => (v instanceof Error
      ? { errorType: v.name, errorMessage: v.message, code: v.code, ...v, stack: typeof v.stack === 'string' ? v.stack.split('\n') : v.stack }
      : v));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// `new ImportModuleError(e)`: the message is String(e), e.g. "Error: Cannot find module 'x'".
function runtimeError(kind, cause) {
  const err = new Error(cause instanceof Error ? String(cause) : cause);
  err.name = `Runtime.${kind}`;
  return err;
}

// ---------- console patch (aws-lambda-ric LogPatch: `<ISO time>\t<request id>\t<LEVEL>\t<message>`) ----------
let currentRequestId;
function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const msg = util.format(...args).replace(/\n/g, '\r');
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${msg}\n`);
    };
  }
  console.fatal = (...args) => console.error(...args);
}

// ---------- handler loading (aws-lambda-ric UserFunction.js) ----------
const require = createRequire(import.meta.url);

function hasPackageTypeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (fs.existsSync(pj)) {
    try { return JSON.parse(fs.readFileSync(pj, 'utf8'))?.type === 'module'; } catch { return false; }
  }
  const parent = path.resolve(folder, '..');
  return parent === folder ? false : hasPackageTypeModule(parent);
}

async function tryImport(file) {
  return fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

function tryRequire(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const full = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = tryRequire(full);
  if (extensionless) return extensionless;
  const esm = hasPackageTypeModule(path.dirname(full));
  if (!esm) {
    const cjs = tryRequire(`${full}.js`);
    if (cjs) return cjs;
  }
  const loaded = (esm && (await tryImport(`${full}.js`))) || (await tryImport(`${full}.mjs`)) || tryRequire(`${full}.cjs`);
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [appRoot, path.join(appRoot, moduleRoot)] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw runtimeError('MalformedHandlerName', `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  let mod;
  try {
    mod = await loadModule(appRoot, moduleRoot, match[1]);
  } catch (e) {
    if (e instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', e);
    if (e && e.code === 'MODULE_NOT_FOUND') throw runtimeError('ImportModuleError', e);
    throw e;
  }
  const fn = match[2].split('.').reduce((nested, key) => nested && nested[key], mod);
  if (!fn) throw runtimeError('HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('HandlerNotFound', `${fullHandler} is not a function`);
  return fn;
}

// ---------- invocations ----------
function parseJsonHeader(value) {
  return value ? JSON.parse(value) : undefined;
}

let onBeforeExit; // BeforeExitListener: what to do when the event loop drains during an invocation
process.on('beforeExit', () => { const f = onBeforeExit; onBeforeExit = undefined; if (f) f(); });
let errorCallback = (err, code) => { postInitError(err).then(() => process.exit(code)); };

function postInitError(err) {
  const body = JSON.stringify(toRapidResponse(err));
  return postOrDie(`${BASE}/init/error`, body, { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': toRapidResponse(err).errorType });
}

process.on('uncaughtException', (error) => {
  console.error('Uncaught Exception', toFormatted(error));
  errorCallback(error, 129);
});
process.on('unhandledRejection', (reason) => {
  const error = runtimeError('UnhandledPromiseRejection', String(reason)); // "TypeError: …", as Lambda shows it
  error.reason = reason;
  console.error('Unhandled Promise Rejection', toFormatted(error));
  errorCallback(error, 128);
});

function invokeOnce(handler, event, headers) {
  return new Promise((done) => {
    const id = headers['lambda-runtime-aws-request-id'];
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    let reported = false;
    const postResult = (result) => {
      if (reported) { console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.'); return; }
      let body;
      try {
        body = JSON.stringify(result === undefined ? null : result);
      } catch {
        return postError(new Error('Unable to stringify response body')); // e.g. a circular or BigInt result
      }
      reported = true;
      onBeforeExit = undefined;
      postOrDie(`${BASE}/invocation/${id}/response`, body, { 'Content-Type': 'application/json' }).then(done);
    };
    const postError = (err) => {
      if (reported) return;
      reported = true;
      onBeforeExit = undefined;
      console.error('Invoke Error', toFormatted(err));
      postOrDie(`${BASE}/invocation/${id}/error`, JSON.stringify(toRapidResponse(err)), { 'Content-Type': 'application/json' }).then(done);
    };
    // An uncaught exception or unhandled rejection fails the invocation, then the runtime exits (129 / 128).
    errorCallback = (err, code) => {
      reported = true;
      onBeforeExit = undefined;
      postOrDie(`${BASE}/invocation/${id}/error`, JSON.stringify(toRapidResponse(err)), { 'Content-Type': 'application/json' })
        .then(() => process.exit(code));
    };
    let waitForEmptyEventLoop = true;
    const complete = (err, result) => (err !== undefined && err !== null ? postError(err) : postResult(result));
    const callback = (err, result) => {
      if (err !== undefined && err !== null) return complete(err);
      if (!waitForEmptyEventLoop) return complete(null, result);
      onBeforeExit = () => setImmediate(() => complete(null, result));
    };
    const context = {
      get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
      set callbackWaitsForEmptyEventLoop(v) { waitForEmptyEventLoop = v; },
      succeed: (result) => complete(null, result),
      fail: (err) => complete(err === undefined || err === null ? 'handled' : err),
      done: complete,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: parseJsonHeader(headers['lambda-runtime-client-context']),
      identity: parseJsonHeader(headers['lambda-runtime-cognito-identity']),
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: id,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    // The event loop drained and nobody reported: aws-lambda-ric's default exit listener posts null.
    onBeforeExit = () => postResult(null);
    try {
      const result = handler(event, context, callback);
      if (result && typeof result.then === 'function') result.then((r) => complete(null, r), (e) => complete(e ?? 'handled'));
    } catch (err) {
      complete(err);
    }
  });
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env._HANDLER ?? '');
  } catch (err) {
    console.error('Uncaught Exception', toFormatted(err)); // what aws-lambda-ric logs on an init failure
    await postInitError(err);
    process.exit(129);
  }
  for (;;) {
    const next = await request('GET', `${BASE}/invocation/next`).catch((err) => {
      process.stderr.write(`runtime API unreachable: ${err.message}\n`);
      process.exit(1);
    });
    const headers = next.headers;
    currentRequestId = headers['lambda-runtime-aws-request-id'];
    if (headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
    else delete process.env._X_AMZN_TRACE_ID;
    let event;
    try {
      event = JSON.parse(next.body);
    } catch (err) {
      await postOrDie(`${BASE}/invocation/${currentRequestId}/error`, JSON.stringify(toRapidResponse(err)), { 'Content-Type': 'application/json' });
      continue;
    }
    await invokeOnce(handler, event, headers);
  }
}

main();
