"""ECS tasks have a container per container definition, and containers report how they ended.

What AWS does
    RunTask returns the task with one entry in ``containers`` per container
    definition (``containerArn`` ``arn:aws:ecs:<region>:<account>:container/<cluster>/<task id>/<uuid>``,
    ``taskArn`` the task's ARN, ``name``, ``image``, ``lastStatus: "PENDING"``,
    no ``exitCode``). The ECS container agent runs the containers and reports
    each change to the control plane with ``SubmitContainerStateChange``
    (``cluster, task, containerName, runtimeId, status, exitCode, reason,
    networkBindings``) and ``SubmitTaskStateChange`` (``cluster, task, status,
    reason, containers[], …, executionStoppedAt``). A stopped task, as
    DescribeTasks returns it, has ``lastStatus``/``desiredStatus: "STOPPED"``,
    every container ``lastStatus: "STOPPED"`` with its ``exitCode``,
    ``stopCode`` (``EssentialContainerExited`` with ``stoppedReason:
    "Essential container in task exited"`` when an essential container ended
    the task, ``UserInitiated`` for StopTask), ``stoppingAt``, ``stoppedAt``,
    ``executionStoppedAt``, and ``createdAt``/``startedAt``.
    (Recorded real responses: LocalStack's
    tests/aws/services/stepfunctions/v2/services/test_ecs_task_service.snapshot.json;
    request shapes: the ECS API reference and botocore's ecs service model.)

What moto 5.2.5 does
    ``moto/ecs/models.py`` builds a task's ``containers`` from the FIRST
    container definition only (``Container(task_definition)``), with
    ``exitCode: 0`` from the start, ``taskArn`` set to the task DEFINITION's
    ARN and ``containerArn`` ``<task definition ARN>/<uuid>``. Containers stay
    ``PENDING`` forever; StopTask sets only the task's ``lastStatus``,
    ``desiredStatus`` and ``stoppedReason`` (no ``stopCode``, no stop
    timestamps). ``SubmitContainerStateChange`` and ``SubmitTaskStateChange``
    are not implemented ("The submit_container_state_change action has not
    been implemented"), so nothing can report a container's exit code.

What the fix does
    * RunTask (and StartTask) give a task one container per container
      definition, with AWS's ARNs, ``lastStatus: "PENDING"``, no ``exitCode``;
      the task gets ``createdAt``. A DescribeTasks of a task that is not
      stopped shows its still-PENDING containers RUNNING (moto has the task
      RUNNING from the start) and sets ``startedAt``.
    * ``SubmitContainerStateChange`` records a container's ``status``,
      ``exitCode``, ``reason``, ``runtimeId`` and ``networkBindings``;
      ``SubmitTaskStateChange`` records its ``containers[]`` the same way and,
      with ``status: "STOPPED"``, stops the task as StopTask does. Both answer
      ``{"acknowledgment": "ACK"}``.
    * StopTask (moto's, still run first) then marks every container STOPPED
      and sets ``stopCode`` — ``EssentialContainerExited`` when an essential
      container had reported its exit before the stop, otherwise
      ``UserInitiated`` — and ``stoppingAt``/``stoppedAt``/``executionStoppedAt``.
      A second StopTask changes none of that. ``stopCode`` is a property so
      that nothing that sets ``UserInitiated`` later (another patch of
      StopTask) can hide that an essential container ended the task.

Not fixed: tasks still start RUNNING (AWS: PROVISIONING → PENDING → RUNNING),
``version`` is not counted, and containers stopped by StopTask without having
reported an exit get no ``exitCode`` (AWS reports the signal's, e.g. 137).
"""

from __future__ import annotations

import datetime
from typing import Any

_ESSENTIAL_EXITED = "EssentialContainerExited"
_USER_INITIATED = "UserInitiated"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _is_essential(definition: dict[str, Any]) -> bool:
    # CloudFormation may hand the value over as a string.
    return str(definition.get("essential", True)).lower() != "false"


def _containers_for(task: Any, task_definition: Any) -> list[Any]:
    from moto.ecs.models import Container
    from moto.moto_api._internal import mock_random

    containers = []
    for definition in task_definition.container_definitions:
        container = Container(task_definition)
        container.container_arn = (
            task.cluster_arn.replace(":cluster/", ":container/", 1)
            + f"/{task.id}/{mock_random.uuid4()}"
        )
        container.task_arn = task.task_arn
        container.name = definition.get("name")
        container.image = definition.get("image")
        container.cpu = definition.get("cpu", 0)
        container.memory = definition.get("memory")
        container.environment = definition.get("environment")
        container.command = definition.get("command")
        container.last_status = "PENDING"
        # moto serialises `exitCode` from this attribute: None leaves it out, as AWS does until the container exits.
        container.exitCode = None
        container.reason = None
        container.essential = _is_essential(definition)
        containers.append(container)
    return containers


def _find_task(backend: Any, cluster_str: str | None, task_str: str | None) -> Any:
    from moto.ecs.exceptions import InvalidParameterException

    cluster = backend._get_cluster(cluster_str or "default")
    if not task_str:
        raise InvalidParameterException("Task must be specified.")
    task_id = task_str.split("/")[-1]
    for arn, task in backend.tasks.get(cluster.name, {}).items():
        if arn.endswith(task_id):
            return task
    raise InvalidParameterException(f"The referenced task was not found: {task_str}")


def _record_container_change(task: Any, change: dict[str, Any]) -> None:
    from moto.ecs.exceptions import InvalidParameterException

    name = change.get("containerName")
    container = next((candidate for candidate in task.containers if candidate.name == name), None)
    if container is None:
        raise InvalidParameterException(f"The task {task.task_arn} has no container named {name}.")
    status = change.get("status")
    if status:
        container.last_status = status
        if status == "RUNNING" and getattr(task, "started_at", None) is None:
            task.started_at = _now()
    if change.get("exitCode") is not None:
        container.exitCode = int(change["exitCode"])
    if change.get("reason"):
        container.reason = change["reason"]
    if change.get("runtimeId"):
        container.runtime_id = change["runtimeId"]
    if change.get("networkBindings"):
        container.network_bindings = change["networkBindings"]


def _stop_code_property() -> property:
    def get(self: Any) -> str | None:
        return self.__dict__.get("_harness_stop_code")

    def set_(self: Any, value: str | None) -> None:
        # Once the recorded exits say an essential container ended the task, that is its stop code.
        if self.__dict__.get("_harness_stop_code") == _ESSENTIAL_EXITED and value == _USER_INITIATED:
            return
        self.__dict__["_harness_stop_code"] = value

    return property(get, set_)


def _patch_models() -> None:
    from moto.ecs import models

    original_task_init = models.Task.__init__

    def task_init(self: Any, cluster: Any, task_definition: Any, *args: Any, **kwargs: Any) -> None:
        original_task_init(self, cluster, task_definition, *args, **kwargs)
        self.containers = _containers_for(self, task_definition)
        self.created_at = _now()
        self.started_at = None

    models.Task.__init__ = task_init
    models.Task.stop_code = _stop_code_property()

    original_describe_tasks = models.EC2ContainerServiceBackend.describe_tasks

    def describe_tasks(self: Any, cluster_str: str, tasks: list[str]) -> list[Any]:
        described = original_describe_tasks(self, cluster_str, tasks)
        for task in described:
            if task.desired_status == "STOPPED":
                continue
            for container in task.containers:
                if container.last_status == "PENDING":
                    container.last_status = "RUNNING"
                    if getattr(task, "started_at", None) is None:
                        task.started_at = _now()
        return described

    models.EC2ContainerServiceBackend.describe_tasks = describe_tasks

    original_stop_task = models.EC2ContainerServiceBackend.stop_task

    def stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
        task = original_stop_task(self, cluster_str, task_str, reason)
        if task.__dict__.get("_harness_stopped"):
            return task
        task._harness_stopped = True
        essential_exited = any(
            getattr(container, "essential", True) and container.exitCode is not None for container in task.containers
        )
        task.stop_code = _ESSENTIAL_EXITED if essential_exited else _USER_INITIATED
        now = _now()
        task.stopping_at = now
        task.stopped_at = now
        if getattr(task, "execution_stopped_at", None) is None:
            task.execution_stopped_at = now
        for container in task.containers:
            container.last_status = "STOPPED"
        return task

    models.EC2ContainerServiceBackend.stop_task = stop_task

    def submit_container_state_change(
        self: Any,
        cluster_str: str | None,
        task_str: str | None,
        container_name: str | None,
        status: str | None,
        exit_code: int | None,
        reason: str | None,
        runtime_id: str | None = None,
        network_bindings: list[dict[str, Any]] | None = None,
    ) -> str:
        task = _find_task(self, cluster_str, task_str)
        _record_container_change(
            task,
            {
                "containerName": container_name,
                "status": status,
                "exitCode": exit_code,
                "reason": reason,
                "runtimeId": runtime_id,
                "networkBindings": network_bindings,
            },
        )
        return "ACK"

    def submit_task_state_change(
        self: Any,
        cluster_str: str | None,
        task_str: str | None,
        status: str | None,
        reason: str | None,
        containers: list[dict[str, Any]] | None,
        execution_stopped_at: Any = None,
        pull_started_at: Any = None,
        pull_stopped_at: Any = None,
    ) -> str:
        task = _find_task(self, cluster_str, task_str)
        for change in containers or []:
            _record_container_change(task, change)
        if pull_started_at is not None:
            task.pull_started_at = pull_started_at
        if pull_stopped_at is not None:
            task.pull_stopped_at = pull_stopped_at
        if execution_stopped_at is not None:
            task.execution_stopped_at = execution_stopped_at
        if status == "RUNNING" and getattr(task, "started_at", None) is None:
            task.started_at = _now()
        if status == "STOPPED":
            self.stop_task(cluster_str or "default", task.task_arn, reason)
        return "ACK"

    models.EC2ContainerServiceBackend.submit_container_state_change = submit_container_state_change
    models.EC2ContainerServiceBackend.submit_task_state_change = submit_task_state_change


def _patch_responses() -> None:
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    # moto dispatches an action to the response method named after it (SubmitContainerStateChange →
    # submit_container_state_change), and serialises ActionResult with botocore's output shape.
    def submit_container_state_change(self: Any) -> ActionResult:
        acknowledgment = self.ecs_backend.submit_container_state_change(
            self._get_param("cluster"),
            self._get_param("task"),
            self._get_param("containerName"),
            self._get_param("status"),
            self._get_param("exitCode"),
            self._get_param("reason"),
            self._get_param("runtimeId"),
            self._get_param("networkBindings"),
        )
        return ActionResult({"acknowledgment": acknowledgment})

    def submit_task_state_change(self: Any) -> ActionResult:
        acknowledgment = self.ecs_backend.submit_task_state_change(
            self._get_param("cluster"),
            self._get_param("task"),
            self._get_param("status"),
            self._get_param("reason"),
            self._get_param("containers"),
            self._get_param("executionStoppedAt"),
            self._get_param("pullStartedAt"),
            self._get_param("pullStoppedAt"),
        )
        return ActionResult({"acknowledgment": acknowledgment})

    EC2ContainerServiceResponse.submit_container_state_change = submit_container_state_change
    EC2ContainerServiceResponse.submit_task_state_change = submit_task_state_change


def apply() -> None:
    _patch_models()
    _patch_responses()
