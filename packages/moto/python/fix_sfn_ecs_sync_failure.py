"""ecs:runTask.sync fails when the task did not succeed.

AWS: a ``arn:aws:states:::ecs:runTask.sync`` state waits for the task to stop, then
succeeds with the stopped task (DescribeTasks, PascalCase) only when it ran well. When the
task failed to start (``StopCode: TaskFailedToStart``) or an essential container exited
with anything but 0, the state fails with ``States.TaskFailed`` and the stopped task, as a
JSON string, as its cause: ``Retry``/``Catch`` on ``States.TaskFailed`` see it.

moto 5.2.5 (``StateTaskServiceEcs._build_sync_resolver``): any stopped task is a success.

The fix: once the resolver has the stopped task, it reads the task definition's
``essential`` flags (DescribeTaskDefinition; a container is essential unless it says not)
and fails the state as AWS does. Exit codes are those the containers reported
(SubmitContainerStateChange; see fix_ecs_container_state.py and the harness task executor).
"""

from typing import Any


def _failed(ecs_client: Any, task: dict) -> bool:
    if task.get("StopCode") == "TaskFailedToStart":
        return True
    definition = ecs_client.describe_task_definition(taskDefinition=task.get("TaskDefinitionArn"))
    essential = {
        container.get("name"): container.get("essential", True)
        for container in definition["taskDefinition"].get("containerDefinitions", [])
    }
    return any(
        essential.get(container.get("Name"), True) and container.get("ExitCode") != 0
        for container in task.get("Containers", [])
    )


def apply() -> None:
    from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent,
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_ecs import (
        StateTaskServiceEcs,
    )
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
    from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

    original = StateTaskServiceEcs._build_sync_resolver

    def build_sync_resolver(self: Any, env: Any, resource_runtime_part: Any, normalised_parameters: Any, state_credentials: Any) -> Any:
        resolver = original(self, env, resource_runtime_part, normalised_parameters, state_credentials)
        ecs_client = boto_client_for(service="ecs", region=resource_runtime_part.region, state_credentials=state_credentials)

        def resolve() -> Any:
            task = resolver()
            if task is None or not _failed(ecs_client, task):
                return task
            failed = StatesErrorNameType.StatesTaskFailed
            raise FailureEventException(
                FailureEvent(
                    env=env,
                    error_name=StatesErrorName(typ=failed),
                    event_type=HistoryEventType.TaskFailed,
                    event_details=EventDetails(
                        taskFailedEventDetails=TaskFailedEventDetails(
                            resource=self._get_sfn_resource(),
                            resourceType=self._get_sfn_resource_type(),
                            error=failed.to_name(),
                            cause=to_json_str(task),
                        )
                    ),
                )
            )

        return resolve

    StateTaskServiceEcs._build_sync_resolver = build_sync_resolver
