"""A retried .sync task waits for its new job, not for a callback of the last attempt.

AWS: a ``Retry`` on a ``.sync`` Task (``ecs:runTask.sync``, ``states:startExecution.sync``…)
runs the job again and waits for that job to end, as the first attempt did. A ``.sync``
state has no task token: nothing but the job's end finishes it.

moto 5.2.5 (state_task_service_callback.py, ``_eval_sync``): a ``.sync`` task of a service
that also supports ``.waitForTaskToken`` (ECS, Step Functions) listens on the state's
callback endpoint too, which is keyed by the state's task token. When an attempt fails,
the endpoint is interrupted; the retry gets the same, already interrupted, endpoint, so its
listener reports "timed out" at once, and the retry fails with ``States.Timeout`` whenever
its job takes longer than that race (e.g. an ECS task that really runs).

The fix: ``.sync`` and ``.sync:2`` tasks wait for their job only (no callback listener).
"""

from typing import Any


def apply() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import (
        StateTaskServiceCallback,
    )

    original = StateTaskServiceCallback._eval_sync

    def eval_sync(self: Any, env: Any, sync_resolver: Any, timeout_seconds: Any, callback_endpoint: Any, heartbeat_endpoint: Any) -> Any:
        return original(
            self,
            env=env,
            sync_resolver=sync_resolver,
            timeout_seconds=timeout_seconds,
            callback_endpoint=None,
            heartbeat_endpoint=heartbeat_endpoint,
        )

    StateTaskServiceCallback._eval_sync = eval_sync
