"""Lambda runs a Node.js function's code when it is invoked; moto without Docker cannot.

AWS: Invoke (and everything that invokes a function: Step Functions'
``arn:aws:states:::lambda:invoke`` and legacy function-ARN Task states, event source
mappings…) runs the function's handler in the runtime named by ``Runtime``. A
``nodejs*`` zip function gets the event and a context object, and Invoke answers
HTTP 200 with the handler's return value as the JSON payload. When the handler throws,
Invoke still answers 200, with ``X-Amz-Function-Error: Unhandled`` and the Node.js
runtime's error document ``{"errorType": error.name, "errorMessage": error.message,
"trace": [stack lines]}`` (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html);
Step Functions then fails the state with Error = errorType and Cause = that payload,
which is what ``Catch``/``Retry`` ``ErrorEquals`` match. A function that runs past its
``Timeout`` is stopped and answers ``X-Amz-Function-Error: Unhandled`` with
``{"errorType": "Sandbox.Timedout", "errorMessage": "RequestId: <id> Error: Task timed
out after <n>.00 seconds"}`` (the shape AWS returns, e.g. as logged in
seek-oss/aws-codedeploy-hooks packages/infra/CHANGELOG.md 2.1.3, and as the AWS-derived
runtime emulator localstack/lambda-runtime-init cmd/localstack/custom_interop.go writes it).

moto 5.2.5: ``LambdaFunction.invoke`` → ``_invoke_lambda`` (moto/awslambda/models.py)
runs the code only in a Docker container. With no Docker it answers "error running
docker: …" (or a 500 when the docker package is missing) marked
``X-Amz-Function-Error: Handled``; with ``{"lambda": {"use_docker": false}}`` it echoes
the payload without running anything. Either way a workflow on moto's Step Functions
engine cannot call a function's code, nor can a test invoke it.

The fix: for a ``nodejs*`` function with a zip package, ``LambdaFunction.invoke`` runs the
code in a child ``node`` process instead. The zip moto keeps (``code_bytes``) is unpacked
once per code SHA-256 into a temp directory (the task root); ``lambda_node_runtime_shim.mjs``
beside this module imports the handler module (``<file>.<export>`` of ``Handler``; .js,
.mjs or .cjs, ESM or CommonJS), calls it with the event and a Lambda-like context
(functionName, functionVersion, invokedFunctionArn, memoryLimitInMB, awsRequestId,
logGroupName, logStreamName, getRemainingTimeInMillis, callbackWaitsForEmptyEventLoop)
and reports the outcome, which this module turns into Invoke's answer as AWS gives it
(above). The process is killed (its whole process group) at the function's Timeout, so
moto's request thread is never blocked longer than that, and the answer is then the
``Sandbox.Timedout`` error. The handler's stdout/stderr become the function's CloudWatch
log events (and ``X-Amz-Log-Result`` with ``LogType: Tail``). ``Event`` invocations run in
a background thread (Invoke answers 202 at once); ``DryRun`` runs nothing. Everything that
reaches ``LambdaFunction.invoke`` gets this: the Invoke API, InvokeAsync, and moto's Step
Functions engine (which calls Invoke over HTTP at localhost:$MOTO_PORT), whose
``lambda_eval_utils`` turns ``X-Amz-Function-Error`` into ``LambdaFunctionErrorException``
and the state's error name from the payload's ``errorType``. Other runtimes and image
functions go to moto's own (Docker) code as before; with ``use_docker: false`` moto's
echoing backend is left as it is.

The environment is what Lambda sets: the function's configured variables, then
AWS_REGION, AWS_DEFAULT_REGION, AWS_LAMBDA_FUNCTION_NAME, _VERSION, _MEMORY_SIZE,
AWS_LAMBDA_LOG_GROUP_NAME, _LOG_STREAM_NAME, AWS_LAMBDA_INITIALIZATION_TYPE,
LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR, _HANDLER, AWS_EXECUTION_ENV, TZ, LANG, PATH, and
credentials of the function's role (moto STS AssumeRole of ``Role``, so they belong to the
function's account; fixed fake keys if that fails) as AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. It adds one variable real Lambda does not
set: ``AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT`` (unless the function configures its
own), so that the function's AWS SDK calls reach this moto server instead of AWS.

The fix also passes Invoke's ``Qualifier`` query parameter on: moto 5.2.5's Invoke handler
reads it as ``qualifier`` (moto/awslambda/responses.py), so an SDK's ``Qualifier`` was
ignored and $LATEST ran with the unqualified ARN.

Differences from AWS that remain: the code runs in the host's ``node`` (whatever version
is on PATH, not the one ``Runtime`` names), each invocation is a cold start in a fresh
process, ``MemorySize`` is not enforced, layers are not mounted, and there is no
START/END/REPORT log line.
"""

from __future__ import annotations

import atexit
import base64
import datetime
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
import zipfile
from typing import Any

SHIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda_node_runtime_shim.mjs")
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "ASIAHARNESSLAMBDAFAKE",
    "AWS_SECRET_ACCESS_KEY": "harness-lambda-fake-secret-access-key",
    "AWS_SESSION_TOKEN": "harness-lambda-fake-session-token",
}
# The Lambda-set variables a function's configuration cannot override (AWS rejects them as reserved).
_RESERVED = {
    "_HANDLER",
    "AWS_EXECUTION_ENV",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
}
_LOG_TAIL_BYTES = 4096

_cache_root: str | None = None
_cache_lock = threading.Lock()
_credentials: dict[tuple[str, str, str], dict[str, str]] = {}
_invoked_arn = threading.local()


def _task_root(fn: Any) -> str:
    """The function's code unpacked, once per code SHA-256 (shared by versions with the same code)."""
    global _cache_root
    code: bytes = fn.code_bytes
    digest = hashlib.sha256(code).hexdigest()
    with _cache_lock:
        if _cache_root is None:
            _cache_root = tempfile.mkdtemp(prefix="harness-moto-lambda-")
            atexit.register(shutil.rmtree, _cache_root, True)
        root = os.path.join(_cache_root, digest)
        if not os.path.isdir(root):
            unpacking = tempfile.mkdtemp(dir=_cache_root, prefix=".unpacking-")
            with zipfile.ZipFile(io.BytesIO(code)) as archive:
                archive.extractall(unpacking)
            os.rename(unpacking, root)
    return root


def _role_credentials(fn: Any) -> dict[str, str]:
    """Temporary credentials of the function's execution role, from moto's STS (so moto maps them to its account)."""
    key = (fn.account_id, fn.region, fn.role)
    try:
        from moto.sts.models import sts_backends
        from moto.utilities.utils import get_partition

        backend = sts_backends[fn.account_id][get_partition(fn.region)]
        cached = _credentials.get(key)
        if cached:
            role_account = fn.role.split(":")[4] if fn.role.count(":") >= 5 else fn.account_id
            still_known = sts_backends[role_account][get_partition(fn.region)].get_assumed_role_from_access_key(
                cached["AWS_ACCESS_KEY_ID"]
            )
            if still_known:
                return cached
        role = backend.assume_role(
            region_name=fn.region,
            role_session_name=fn.function_name[:64],
            role_arn=fn.role,
            policy="",
            duration=43200,
            external_id="",
        )
        credentials = {
            "AWS_ACCESS_KEY_ID": role.access_key_id,
            "AWS_SECRET_ACCESS_KEY": role.secret_access_key,
            "AWS_SESSION_TOKEN": role.session_token,
        }
        _credentials[key] = credentials
        return credentials
    except Exception:  # noqa: BLE001 - fake credentials still reach moto (its default account)
        return dict(FAKE_CREDENTIALS)


def _environment(fn: Any, task_root: str, log_stream: str) -> dict[str, str]:
    from moto import settings

    configured = {str(k): str(v) for k, v in (fn.environment_vars or {}).items()}
    lambda_set = {
        "_HANDLER": str(fn.handler),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
        "AWS_REGION": fn.region,
        "AWS_DEFAULT_REGION": fn.region,
        "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": str(fn.version),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": fn.logs_group_name,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": os.path.dirname(SHIM),
        **_role_credentials(fn),
    }
    environment = {k: v for k, v in configured.items() if k not in _RESERVED}
    environment.update(lambda_set)
    # Lambda's own PATH, TZ and LANG; PATH keeps the host's, where node is.
    environment.setdefault("PATH", os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"))
    environment.setdefault("TZ", ":UTC")
    environment.setdefault("LANG", "en_US.UTF-8")
    # The one addition: real Lambda has no AWS_ENDPOINT_URL; here the SDK must reach this moto.
    environment.setdefault("AWS_ENDPOINT_URL", f"http://127.0.0.1:{settings.moto_server_port()}")
    return environment


def _timed_out(request_id: str, timeout: float) -> dict[str, Any]:
    return {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds",
    }


def run_node_function(fn: Any, event_body: str | bytes | None, invoked_arn: str) -> tuple[bytes, bool, str]:
    """Runs one invocation: (the payload Invoke answers with, whether it is a function error, the function's output)."""
    request_id = str(uuid.uuid4())
    task_root = _task_root(fn)
    now = datetime.datetime.now(datetime.timezone.utc)
    log_stream = f"{now:%Y/%m/%d}/[{fn.version}]{uuid.uuid4().hex}"
    environment = _environment(fn, task_root, log_stream)
    timeout = float(fn.timeout or 3)
    environment["HARNESS_LAMBDA_TIMEOUT_MS"] = str(int(timeout * 1000))
    environment["HARNESS_LAMBDA_REQUEST_ID"] = request_id
    environment["HARNESS_LAMBDA_INVOKED_ARN"] = invoked_arn
    if isinstance(event_body, str):
        event_body = event_body.encode("utf-8")
    node = shutil.which("node", path=environment["PATH"]) or "node"

    with tempfile.TemporaryDirectory(prefix="harness-moto-invoke-") as scratch:
        result_file = os.path.join(scratch, "result.json")
        process = subprocess.Popen(
            [node, SHIM, task_root, result_file],
            cwd=task_root,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(input=event_body or b"", timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                output, _ = process.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                output = b""
        logs = (output or b"").decode("utf-8", errors="replace")
        if timed_out:
            error = _timed_out(request_id, timeout)
            logs += f"{error['errorMessage']}\n"
            return json.dumps(error).encode("utf-8"), True, logs
        try:
            with open(result_file, encoding="utf-8") as file:
                outcome = json.load(file)
        except (OSError, ValueError):
            # The process ended without answering (process.exit(), a crash): the runtime's exit error.
            error = {
                "errorType": "Runtime.ExitError",
                "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: exit status {process.returncode}",
            }
            return json.dumps(error).encode("utf-8"), True, logs
    if outcome.get("ok"):
        return outcome["payload"].encode("utf-8"), False, logs
    return json.dumps(outcome["error"]).encode("utf-8"), True, logs


def _runs_in_node(fn: Any) -> bool:
    return (
        str(getattr(fn, "run_time", "") or "").startswith("nodejs")
        and getattr(fn, "package_type", "Zip") == "Zip"
        and bool(getattr(fn, "code_bytes", b""))
    )


def _invoked_function_arn(backend: Any, function_name: str, qualifier: str | None) -> str | None:
    """The ARN the caller invoked (with its qualifier), as Lambda gives it to the handler in context.invokedFunctionArn."""
    try:
        from moto.awslambda.utils import make_function_arn

        name = function_name
        if name.startswith("arn:"):
            parts = name.split(":")
            name = parts[6]
            qualifier = qualifier or (parts[7] if len(parts) > 7 else None)
        elif ":" in name:
            name, _, named = name.partition(":")
            qualifier = qualifier or named
        arn = make_function_arn(backend.region_name, backend.account_id, name)
        return f"{arn}:{qualifier}" if qualifier else arn
    except Exception:  # noqa: BLE001
        return None


def apply() -> None:
    from moto.awslambda import models

    original_invoke = models.LambdaFunction.invoke
    original_backend_invoke = models.LambdaBackend.invoke

    def backend_invoke(self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any) -> Any:
        _invoked_arn.value = _invoked_function_arn(self, function_name, qualifier)
        try:
            return original_backend_invoke(self, function_name, qualifier, body, headers, response_headers)
        finally:
            _invoked_arn.value = None

    def invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> Any:
        if not _runs_in_node(self):
            return original_invoke(self, body, request_headers, response_headers)
        invoked_arn = getattr(_invoked_arn, "value", None) or self.function_arn
        inv_type = request_headers.get("x-amz-invocation-type", "RequestResponse")
        response_headers["x-amz-executed-version"] = str(self.version)
        if inv_type == "DryRun":
            return b""
        self.logs_backend.ensure_log_group(self.logs_group_name)
        if inv_type == "Event":
            threading.Thread(target=_run_and_log, args=(self, body, invoked_arn), daemon=True).start()
            return b""
        payload, errored, logs = _run_and_log(self, body, invoked_arn)
        if errored:
            response_headers["x-amz-function-error"] = "Unhandled"
        tail = logs.encode("utf-8")[-_LOG_TAIL_BYTES:]
        response_headers["x-amz-log-result"] = base64.b64encode(tail).decode("ascii")
        return payload

    models.LambdaBackend.invoke = backend_invoke
    models.LambdaFunction.invoke = invoke

    # moto's Invoke handler reads the qualifier as ``qualifier``; the API (and every SDK) sends
    # ``?Qualifier=``, so without this moto runs $LATEST and the handler never sees the qualifier.
    from moto.awslambda import responses

    original_response_invoke = responses.LambdaResponse.invoke

    def response_invoke(self: Any) -> Any:
        if "qualifier" not in self.querystring and "Qualifier" in self.querystring:
            self.querystring["qualifier"] = self.querystring["Qualifier"]
        return original_response_invoke(self)

    responses.LambdaResponse.invoke = response_invoke


def _run_and_log(fn: Any, body: Any, invoked_arn: str) -> tuple[bytes, bool, str]:
    payload, errored, logs = run_node_function(fn, body, invoked_arn)
    try:
        fn.save_logs(logs if logs.strip() else "(no output)")
    except Exception:  # noqa: BLE001 - logs are a convenience; the answer matters
        pass
    return payload, errored, logs
