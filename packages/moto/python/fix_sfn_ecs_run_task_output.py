"""Request-response ecs:runTask outputs the RunTask response.

What AWS does
    A ``arn:aws:states:::ecs:runTask`` Task (no ``.sync``, no
    ``.waitForTaskToken``) outputs the RunTask response, in PascalCase:
    ``{Tasks: [...], Failures: []}``, the task as RunTask returned it
    (containers ``PENDING``, no ``StartedAt``); the workflow moves on at once.

What moto 5.2.5 does
    ``StateTaskServiceEcs._eval_service_task`` calls RunTask and then outputs a
    DescribeTasks of the new task instead (containers and times as they are a
    moment later).

What the fix does
    The Task's output is the RunTask response (put in PascalCase by
    fix_sfn_service_task_casing.py, which this needs: without it the task fails on
    its parameters' casing before any output).
"""


def apply() -> None:
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
