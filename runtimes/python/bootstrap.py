#!/usr/bin/env python3
"""A stdlib-only Lambda runtime client for Python (3.8+), with the shapes of AWS's `awslambdaric`.

It polls the Lambda Runtime API at $AWS_LAMBDA_RUNTIME_API (our function host or a real RIE) and runs the
handler named by $_HANDLER from $LAMBDA_TASK_ROOT:

  * errors are {"errorMessage", "errorType", "requestId", "stackTrace"} (python3.12 shape), the stack trace
    formatted by traceback.format_list with this bootstrap's own frames dropped, like awslambdaric;
  * the handler file is compiled under /var/task/<file>, so traces read `File "/var/task/handler.py"` as in AWS;
  * init errors: Runtime.ImportModuleError, Runtime.HandlerNotFound, Runtime.UserCodeSyntaxError,
    Runtime.MalformedHandlerName, Runtime.BuiltInModuleConflict (posted to /runtime/init/error, then exit 1);
  * results are serialised like awslambdaric's marshaller: json with ", "/": " separators, ensure_ascii=False,
    bytes passed through as-is.

Plain Python on purpose: it is spawned as-is, never packaged.
"""

import decimal
import http.client
import json
import linecache
import os
import sys
import time
import traceback
import types

TASK_ROOT_SHOWN = "/var/task"  # what AWS tracebacks show as the code folder
BASE = "/2018-06-01/runtime"


class FaultError(Exception):
    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.msg = message
        self.trace = trace


class Unbuffered(object):
    """awslambdaric wraps stdout/stderr so every print reaches the logs at once."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


def _default(obj):
    # simplejson (awslambdaric) writes Decimals verbatim; the stdlib cannot, so integral ones become ints and
    # the rest floats (documented approximation).
    if isinstance(obj, decimal.Decimal):
        if obj.is_nan():
            return float("nan")
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    raise TypeError("Object of type {} is not JSON serializable".format(type(obj).__name__))


def to_json(obj):
    return json.dumps(obj, default=_default, ensure_ascii=False)


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message if message else "",
        "errorType": error_type if error_type else "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    """awslambdaric drops the leading frames that belong to bootstrap.py."""
    frames = traceback.extract_tb(tb)
    for i, fr in enumerate(frames):
        if "/bootstrap.py" not in fr.filename:
            return traceback.format_list(frames[i:])
    return traceback.format_list(frames)


class RuntimeApi(object):
    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.conn = http.client.HTTPConnection(host, int(port))

    def call(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                return resp.status, resp.headers, resp.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()  # a dropped keep-alive connection: reconnect once
                if attempt:
                    raise

    def post_error(self, path, error, error_type=None):
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        self.call("POST", path, to_json(error).encode("utf-8"), headers)


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]


def _obj(cls, d):
    if d is None:
        return None
    o = cls()
    for f in cls.__slots__:
        setattr(o, f, d.get(f) if isinstance(d, dict) else None)
    return o


class LambdaContext(object):
    def __init__(self, request_id, client_context, cognito_identity, deadline_ms, function_arn, tenant_id=None):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = function_arn
        self.tenant_id = tenant_id
        self.client_context = _obj(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _obj(Client, self.client_context.client)
        self.identity = _obj(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))


def load_handler(task_root, handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, str(e)))
    if modname.split(".")[0] in sys.builtin_module_names:
        raise FaultError("Runtime.BuiltInModuleConflict",
                         "Cannot use built-in module {} as a handler module".format(modname))
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    rel = modname.replace(".", "/") + ".py"
    path = os.path.join(task_root, rel)
    try:
        if os.path.isfile(path):
            module = exec_module(modname, path, TASK_ROOT_SHOWN + "/" + rel)
        else:
            import importlib
            module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultError("Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(modname, str(e)), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultError("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(fname, modname))


def exec_module(modname, path, shown):
    """Imports the handler file under the name AWS shows (/var/task/...), keeping source lines for tracebacks."""
    with open(path, "r", encoding="utf-8") as f:
        source = f.read()
    # mtime None: linecache.checkcache() keeps the entry, so frames still get their source lines
    linecache.cache[shown] = (len(source), None, source.splitlines(True), shown)
    code = compile(source, shown, "exec")
    module = types.ModuleType(modname)
    module.__file__ = path
    sys.modules[modname] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    return module


def log_error(err):
    """awslambdaric's text-format error record: one line, frames joined with carriage returns."""
    lines = ["[ERROR] {}: {}".format(err["errorType"], err["errorMessage"]), "Traceback (most recent call last):"]
    for frame in err["stackTrace"]:
        lines.extend(frame.splitlines())
    sys.stdout.write("\r".join(lines) + "\n")


def handle(api, handler, headers, body):
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    error = None
    try:
        try:
            client_context = json.loads(headers["Lambda-Runtime-Client-Context"]) if headers.get("Lambda-Runtime-Client-Context") else None
            identity = json.loads(headers["Lambda-Runtime-Cognito-Identity"]) if headers.get("Lambda-Runtime-Cognito-Identity") else None
        except Exception as e:
            raise FaultError("Runtime.LambdaContextUnmarshalError", "Unable to parse Client Context JSON: {}".format(str(e)))
        context = LambdaContext(request_id, client_context, identity, int(headers.get("Lambda-Runtime-Deadline-Ms") or 0),
                                headers.get("Lambda-Runtime-Invoked-Function-Arn"), headers.get("Lambda-Runtime-Aws-Tenant-Id"))
        try:
            event = json.loads(body.decode("utf-8"))
        except Exception as e:
            raise FaultError("Runtime.UnmarshalError", "Unable to unmarshal input: {}".format(str(e)))
        response = handler(event, context)
        if isinstance(response, bytes):
            result, content_type = response, "application/unknown"
        else:
            try:
                result, content_type = to_json(response).encode("utf-8"), "application/json"
            except Exception as e:
                raise FaultError("Runtime.MarshalError", "Unable to marshal response: {}".format(str(e)))
    except FaultError as e:
        error = make_error(e.msg, e.error_type, e.trace, request_id)
    except Exception:
        etype, value, tb = sys.exc_info()
        error = make_error(str(value), etype.__name__, user_frames(tb), request_id)
    if error is not None:
        log_error(error)
        api.post_error("{}/invocation/{}/error".format(BASE, request_id), error)
    else:
        api.call("POST", "{}/invocation/{}/response".format(BASE, request_id), result, {"Content-Type": content_type})


def main():
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    os.environ.setdefault("AWS_EXECUTION_ENV", "AWS_Lambda_python{}.{}".format(*sys.version_info[:2]))
    if os.environ.get("AWS_EXECUTION_ENV") == "AWS_Lambda_python3":
        os.environ["AWS_EXECUTION_ENV"] = "AWS_Lambda_python{}.{}".format(*sys.version_info[:2])
    api = RuntimeApi(os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    try:
        handler = load_handler(task_root, os.environ.get("_HANDLER", ""))
    except FaultError as e:
        error = make_error(e.msg, e.error_type, e.trace)
    except Exception:
        etype, value, tb = sys.exc_info()
        error = make_error(str(value), etype.__name__, user_frames(tb))
    else:
        error = None
    if error is not None:
        log_error(error)
        api.post_error(BASE + "/init/error", error, error["errorType"])
        sys.exit(1)
    while True:
        status, headers, body = api.call("GET", BASE + "/invocation/next")
        if status != 200:
            sys.stderr.write("unexpected /next status {}\n".format(status))
            sys.exit(1)
        handle(api, handler, headers, body)


if __name__ == "__main__":
    main()
