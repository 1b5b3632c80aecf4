"""CloudFormation creates state machines where Step Functions' API looks for them.

AWS: a state machine created by a CloudFormation stack (AWS::StepFunctions::StateMachine)
is an ordinary state machine: StartExecution runs it.

moto 5.2.5: Step Functions has two backends. With the execution engine on
(``POST /moto-api/config`` ``{"stepfunctions": {"execute_state_machine": true}}``) the API
(CreateStateMachine, StartExecution, DescribeStateMachine…) uses the executing backend
(moto/stepfunctions/parser/models.py), but CloudFormation always creates, updates and
deletes state machines in the plain one (moto/stepfunctions/models.py,
``StateMachine.*_from_cloudformation_json``). A deployed workflow then cannot be started:
StartExecution answers StateMachineDoesNotExist.

The fix: the CloudFormation handlers look the backend up the way the API does, by the
current setting. (State machines created before the setting changes stay where they were,
as they do without the fix.)
"""

from typing import Any

import moto.stepfunctions.models as sfn_models


class _BackendsByCurrentSetting:
    """Indexes like a BackendDict, ``backends[account][region]``, choosing the backend the API would use now."""

    def __init__(self, plain: Any) -> None:
        self.plain = plain

    def __getitem__(self, account_id: str) -> Any:
        return _RegionsOf(self.plain, account_id)


class _RegionsOf:
    def __init__(self, plain: Any, account_id: str) -> None:
        self.plain = plain
        self.account_id = account_id

    def __getitem__(self, region_name: str) -> Any:
        from moto.core.config import default_user_config

        if default_user_config.get("stepfunctions", {}).get("execute_state_machine", False):
            from moto.stepfunctions.parser.models import stepfunctions_parser_backends

            return stepfunctions_parser_backends[self.account_id][region_name]
        return self.plain[self.account_id][region_name]


def apply() -> None:
    # The CloudFormation class methods read the module-level name at call time. moto's
    # responses module is imported first so that it keeps the real BackendDict.
    import moto.stepfunctions.responses  # noqa: F401

    sfn_models.stepfunctions_backends = _BackendsByCurrentSetting(sfn_models.stepfunctions_backends)
