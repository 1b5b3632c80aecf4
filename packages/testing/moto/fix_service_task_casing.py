"""Step Functions → Step Functions and Step Functions → ECS service tasks on moto's engine.

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
    ``Input``/``Output`` parsed; ecs:runTask → the RunTask response
    ``{Tasks: [...], Failures: []}``; ecs:runTask.sync → the DescribeTasks task
    of the stopped task. Map keys and free-form JSON (execution input and
    output, environment values) are never re-cased.

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
    Once the casing is right, more differences from AWS show:

    * request-response ``ecs:runTask`` outputs a DescribeTasks of the task
      instead of the RunTask response (and that DescribeTasks moves moto's
      task state machine on, see the next point);
    * moto's ``ecs::task`` model advances one status on every DescribeTasks
      call (RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED), so a
      ``runTask.sync`` state, which polls DescribeTasks every 0.5 s, completes
      about two seconds after RunTask whatever the task does — on AWS it waits
      until the task stops (here: until the test's task executor calls
      StopTask);
    * StopTask leaves the task without ``stopCode``/``stoppedAt`` and its
      containers ``lastStatus: PENDING``;
    * RunTask with awsvpc networking in a VPC without DNS hostnames fails
      (AttributeError ``private_dns_name`` on the network interface);
    * StartExecution without a name (a ``states:startExecution`` task without
      ``Name``) names the execution "None", so starting the same child twice
      fails with ExecutionAlreadyExists.

What the fix does
    For ``StateTaskServiceSfn`` and ``StateTaskServiceEcs`` only (the other
    service tasks — lambda, dynamodb, sqs… — keep moto's behaviour, which the
    harness relies on), ``_normalise_parameters`` renames each parameter to
    the member of the operation's botocore input shape whose name matches
    case-insensitively, recursing through structures, lists and map values;
    ``_normalise_response`` renames each response member to the PascalCase of
    its member name (matched case-insensitively, so running it twice changes
    nothing) and turns timestamps into epoch milliseconds. Request-response
    ``ecs:runTask`` outputs the RunTask response. ``ecs::task`` no longer
    advances on DescribeTasks by default (a test can still choose a
    progression through ``/moto-api/state-manager``), and StopTask of a task
    without a stop code stamps ``stopCode: UserInitiated``, ``stoppingAt``/
    ``stoppedAt``/``executionStoppedAt`` and stops its containers (when
    fix_ecs_container_state.py is applied too, it has done that already, with the
    stop code the containers' reported exits call for, and this changes nothing).
    StartExecution without a name (what a ``states:startExecution`` task without
    ``Name`` sends) gets a UUID name, as on AWS: moto's engine names it "None",
    so the second such start of the same child fails with
    ExecutionAlreadyExists. And every network interface has a private DNS name,
    as on AWS: moto sets it only in VPCs with DNS hostnames on, and RunTask with
    awsvpc networking reads it (AttributeError → the runTask task fails with
    States.Runtime in any other VPC, e.g. one made by createTaskNetwork).

Not fixed here: a ``runTask.sync`` task whose essential container exited
non-zero still succeeds (AWS: ``States.TaskFailed`` with the task as cause);
moto alone gives every container ``exitCode: 0`` and models only the first
container definition (fix_ecs_container_state.py covers containers and exit
codes); tasks start RUNNING (AWS: PROVISIONING), so the request-response
output says ``LastStatus: RUNNING``; the request-response output lacks AWS's
``SdkHttpMetadata``/``SdkResponseMetadata``; RunTask ``failures`` are never
produced, so the ``AmazonECS.Unknown`` failure path is not reachable; the
request-response task shows ``StartedBy: ""`` rather than no ``StartedBy``.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

_ECS_TASK_MODEL = "ecs::task"
# "manual" progression that never comes due: the task keeps its status until StopTask.
_ECS_TASK_TRANSITION = {"progression": "manual", "times": 2**31}


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


def _request_value(value: Any, shape) -> Any:
    """``value`` with structure member names spelled as in ``shape`` (the boto3 request names)."""
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
                renamed[match[0]] = _request_value(item, match[1])
        return renamed
    if shape.type_name == "list" and isinstance(value, list):
        return [_request_value(item, shape.member) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: _request_value(item, shape.value) for key, item in value.items()}
    return value


def _epoch_millis(value: datetime.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return int(round(value.timestamp() * 1000))


def _response_value(value: Any, shape) -> Any:
    """``value`` with structure member names in PascalCase and timestamps in epoch milliseconds."""
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
                renamed[_pascal(match[0])] = _response_value(item, match[1])
        return renamed
    if shape.type_name == "list" and isinstance(value, list):
        return [_response_value(item, shape.member) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: _response_value(item, shape.value) for key, item in value.items()}
    if shape.type_name == "timestamp" and isinstance(value, datetime.datetime):
        return _epoch_millis(value)
    return value


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


def _patch_ecs_request_response_output() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_ecs,
    )
    from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for

    ecs = state_task_service_ecs.StateTaskServiceEcs

    def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        # AWS: the output of ecs:runTask is the RunTask response (moto: a DescribeTasks of the task).
        client = boto_client_for(
            region=resource_runtime_part.region,
            service=self._get_boto_service_name(),
            state_credentials=state_credentials,
        )
        response = getattr(client, self._get_boto_service_action())(**normalised_parameters)
        response.pop("ResponseMetadata", None)
        env.stack.append(response)

    ecs._eval_service_task = _eval_service_task


def _patch_ecs_task_lifecycle() -> None:
    from moto.ecs import models
    from moto.moto_api import state_manager

    # Only the default: /moto-api/state-manager/set-transition still overrides it.
    state_manager.register_default_transition(model_name=_ECS_TASK_MODEL, transition=_ECS_TASK_TRANSITION)

    original_stop_task = models.EC2ContainerServiceBackend.stop_task

    def stop_task(self, cluster_str, task_str, reason):
        task = original_stop_task(self, cluster_str, task_str, reason)
        # Another fix (fix_ecs_container_state.py) may already have stopped it the AWS way (its stop
        # code from the containers' reported exits): then leave everything as that fix set it.
        if getattr(task, "stop_code", None):
            return task
        now = datetime.datetime.now(datetime.timezone.utc)
        task.stop_code = "UserInitiated"
        for name in ("stopping_at", "stopped_at", "execution_stopped_at"):
            if getattr(task, name, None) is None:
                setattr(task, name, now)
        for container in task.containers:
            container.last_status = "STOPPED"
        return task

    models.EC2ContainerServiceBackend.stop_task = stop_task


def _patch_execution_names() -> None:
    import uuid

    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original_start_execution = StepFunctionsParserBackend.start_execution

    def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
        # AWS names an execution started without a name with a UUID; moto's engine names it "None".
        return original_start_execution(
            self, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header
        )

    StepFunctionsParserBackend.start_execution = start_execution


def _patch_eni_private_dns_name() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ec2.utils import generate_dns_from_ip

    if "private_dns_name" in vars(NetworkInterface):
        return

    def get(self):
        return self.__dict__.get("_harness_private_dns_name") or generate_dns_from_ip(self.private_ip_address)

    def set_(self, value):
        self.__dict__["_harness_private_dns_name"] = value

    # AWS gives every network interface a private DNS name; moto sets the attribute only in VPCs
    # with enableDnsHostnames, and RunTask (awsvpc) reads it: AttributeError in any other VPC.
    NetworkInterface.private_dns_name = property(get, set_)


def apply() -> None:
    _patch_casing()
    _patch_ecs_request_response_output()
    _patch_ecs_task_lifecycle()
    _patch_execution_names()
    _patch_eni_private_dns_name()
