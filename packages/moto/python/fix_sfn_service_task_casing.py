"""Step Functions → Step Functions and Step Functions → ECS service tasks on moto's engine: parameter and output casing.

What AWS does
    In ASL, the parameters of an optimised service integration are the
    service API's request members written in PascalCase
    (``arn:aws:states:::states:startExecution`` takes ``StateMachineArn``,
    ``Input``, ``Name``; ``arn:aws:states:::ecs:runTask`` takes ``Cluster``,
    ``TaskDefinition``, ``LaunchType``,
    ``NetworkConfiguration.AwsvpcConfiguration.Subnets``,
    ``Overrides.ContainerOverrides[].Environment[].Name/Value`` …). The task's
    result is the API response with every structure member name in PascalCase
    and timestamps as epoch milliseconds: startExecution →
    ``{ExecutionArn, StartDate}``; ``.sync`` → the DescribeExecution result
    (``Input``/``Output`` as JSON strings), ``.sync:2`` → the same with
    ``Input``/``Output`` parsed; request-response ecs:runTask → the RunTask
    response ``{Tasks: [...], Failures: []}`` (the task as RunTask returned it:
    containers not started yet, no ``StartedAt``); ecs:runTask.sync → the
    DescribeTasks task of the stopped task. Map keys and free-form JSON
    (execution input and output, environment values) are never re-cased.

What moto 5.2.5 does
    Its execution engine (a port of LocalStack's ASL interpreter, switched on
    with ``{"stepfunctions": {"execute_state_machine": true}}``) lost the
    request/response normalisation: ``StateTaskService._normalise_parameters``
    and ``_normalise_response`` are ``pass``. The PascalCase parameters reach
    boto3 unchanged, whose serializer needs the camelCase member names, so
    every ``states:startExecution[.sync|.sync:2|.waitForTaskToken]`` task fails
    with ``States.Runtime``, cause ``'StateMachineArn'`` (a KeyError), and
    every ``ecs:runTask[.sync|.waitForTaskToken]`` task with ``'Cluster'``.
    The ``.sync`` resolvers then read PascalCase keys (``ExecutionArn``,
    ``Tasks[0].ClusterArn``) from responses that boto3 returns in camelCase.

What the fix does
    For ``StateTaskServiceSfn`` and ``StateTaskServiceEcs`` only (the other
    service tasks — lambda, dynamodb, sqs… — keep moto's behaviour, which the
    harness relies on), ``_normalise_parameters`` renames each parameter to
    the member of the operation's botocore input shape whose name matches
    case-insensitively, recursing through structures, lists and map values;
    ``_normalise_response`` renames each response member to the PascalCase of
    its member name (matched case-insensitively, so running it twice changes
    nothing) and turns timestamps into epoch milliseconds.

Fixed elsewhere, for these service tasks: request-response ``ecs:runTask``'s
output (fix_sfn_ecs_run_task_output.py), unnamed executions
(fix_sfn_execution_names.py), the private DNS name RunTask with awsvpc needs
(fix_ec2_eni_private_dns_name.py), tasks that keep running until StopTask
(fix_ecs_task_lifecycle.py), StopTask's stop code, timestamps and containers
(fix_ecs_container_state.py), and a ``runTask.sync`` task whose essential
container exited non-zero failing with ``States.TaskFailed``
(fix_sfn_ecs_sync_failure.py).

Not fixed: tasks start RUNNING (AWS: PROVISIONING), so the request-response
output says ``LastStatus: RUNNING``; the request-response output lacks AWS's
``SdkHttpMetadata``/``SdkResponseMetadata``; RunTask ``failures`` are never
produced, so the ``AmazonECS.Unknown`` failure path is not reachable; the
request-response task shows ``StartedBy: ""`` rather than no ``StartedBy``.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def _service_model(service: str):
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def _operation_model(service: str, action: str):
    """The botocore operation for an ASL/boto action name (``startExecution``, ``describe_tasks``, ``RunTask``)."""
    model = _service_model(service)
    wanted = action.replace("_", "").lower()
    for name in model.operation_names:
        if name.lower() == wanted:
            return model.operation_model(name)
    return None


def _members(shape) -> dict[str, tuple[str, Any]]:
    return {name.lower(): (name, member) for name, member in shape.members.items()}


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _renamed(value: Any, shape, member_name, leaf) -> Any:
    """``value`` walked along ``shape``: each structure member renamed by ``member_name`` (given the boto3
    request name), each other value passed through ``leaf(value, shape)``."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = _members(shape)
        renamed = {}
        for key, item in value.items():
            match = members.get(key.lower()) if isinstance(key, str) else None
            if match is None:
                renamed[key] = item
            else:
                renamed[member_name(match[0])] = _renamed(item, match[1], member_name, leaf)
        return renamed
    if shape.type_name == "list" and isinstance(value, list):
        return [_renamed(item, shape.member, member_name, leaf) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: _renamed(item, shape.value, member_name, leaf) for key, item in value.items()}
    return leaf(value, shape)


def _request_value(value: Any, shape) -> Any:
    """``value`` with structure member names spelled as in ``shape`` (the boto3 request names)."""
    return _renamed(value, shape, lambda name: name, lambda leaf, _shape: leaf)


def _epoch_millis(value: datetime.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return int(round(value.timestamp() * 1000))


def _response_leaf(value: Any, shape) -> Any:
    if shape.type_name == "timestamp" and isinstance(value, datetime.datetime):
        return _epoch_millis(value)
    return value


def _response_value(value: Any, shape) -> Any:
    """``value`` with structure member names in PascalCase and timestamps in epoch milliseconds."""
    return _renamed(value, shape, _pascal, _response_leaf)


def _replace_contents(target: dict, source: dict) -> None:
    target.clear()
    target.update(source)


def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
    operation = _operation_model(
        self._get_boto_service_name(boto_service_name),
        service_action_name or self.resource.api_action,
    )
    if operation is None or operation.input_shape is None or not isinstance(parameters, dict):
        return
    _replace_contents(parameters, _request_value(parameters, operation.input_shape))


def _normalise_response(self, response, boto_service_name=None, service_action_name=None):
    operation = _operation_model(
        self._get_boto_service_name(boto_service_name),
        service_action_name or self.resource.api_action,
    )
    if operation is None or operation.output_shape is None or not isinstance(response, dict):
        return
    _replace_contents(response, _response_value(response, operation.output_shape))


def _patch_casing() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_ecs,
        state_task_service_sfn,
    )

    sfn = state_task_service_sfn.StateTaskServiceSfn
    ecs = state_task_service_ecs.StateTaskServiceEcs
    # StateTaskServiceSfn._normalise_parameters turns Input into a JSON string and then calls
    # super()._normalise_parameters (StateTaskServiceCallback → StateTaskService, a no-op);
    # patch what that super() call reaches for Sfn only by wrapping the subclass method.
    sfn_input_to_string = sfn._normalise_parameters

    def sfn_normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
        sfn_input_to_string(self, parameters, boto_service_name, service_action_name)
        _normalise_parameters(self, parameters, boto_service_name, service_action_name)

    sfn._normalise_parameters = sfn_normalise_parameters
    sfn._normalise_response = _normalise_response
    ecs._normalise_parameters = _normalise_parameters
    ecs._normalise_response = _normalise_response


def apply() -> None:
    _patch_casing()
