"""CloudFormation creates state machines where Step Functions' API looks for them, as written.

AWS: a state machine created by a CloudFormation stack (AWS::StepFunctions::StateMachine)
is an ordinary state machine: StartExecution runs it.

moto 5.2.5: Step Functions has two backends. With the execution engine on
(``POST /moto-api/config`` ``{"stepfunctions": {"execute_state_machine": true}}``) the API
(CreateStateMachine, StartExecution, DescribeStateMachine…) uses the executing backend
(moto/stepfunctions/parser/models.py), but CloudFormation always creates, updates and
deletes state machines in the plain one (moto/stepfunctions/models.py,
``StateMachine.*_from_cloudformation_json``). A deployed workflow then cannot be started:
StartExecution answers StateMachineDoesNotExist.

Also, AWS::StepFunctions::StateMachine on AWS takes the definition as ``DefinitionString``
or as a ``Definition`` object, and replaces each ``${Name}`` in it with
``DefinitionSubstitutions.Name``. moto 5.2.5 reads ``DefinitionString`` only and ignores
``DefinitionSubstitutions``: the placeholders stay in the deployed definition (the executing
backend then refuses a ``"Resource": "${FunctionArn}"`` as invalid ASL).

The fix: the CloudFormation handlers look the backend up the way the API does, by the
current setting (state machines created before the setting changes stay where they were,
as they do without the fix), and build ``DefinitionString`` from ``Definition`` and
``DefinitionSubstitutions`` before moto reads it.
"""

import json
import re
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


def _resolved_definition(properties: dict) -> dict:
    """The properties with ``DefinitionString`` as AWS would deploy it."""
    definition = properties.get("DefinitionString")
    if definition is None and isinstance(properties.get("Definition"), dict):
        definition = json.dumps(properties["Definition"])
    substitutions = properties.get("DefinitionSubstitutions") or {}
    if definition is None or (not substitutions and "DefinitionString" in properties):
        return properties
    resolved = re.sub(
        r"\$\{([^}]+)\}",
        lambda match: str(substitutions[match.group(1)]) if match.group(1) in substitutions else match.group(0),
        definition,
    )
    return {**properties, "DefinitionString": resolved}


def _with_resolved_definition(method: classmethod, position: int) -> classmethod:
    """Wraps a CloudFormation class method so that its resource (argument ``position`` or keyword
    ``cloudformation_json``) reaches moto with its definition resolved."""

    def resolved(resource: Any) -> Any:
        if not isinstance(resource, dict):
            return resource
        return {**resource, "Properties": _resolved_definition(resource.get("Properties") or {})}

    def wrapped(cls: Any, *args: Any, **kwargs: Any) -> Any:
        if len(args) > position:
            args = (*args[:position], resolved(args[position]), *args[position + 1 :])
        elif "cloudformation_json" in kwargs:
            kwargs["cloudformation_json"] = resolved(kwargs["cloudformation_json"])
        return method.__func__(cls, *args, **kwargs)

    return classmethod(wrapped)


def apply() -> None:
    # The CloudFormation class methods read the module-level name at call time. moto's
    # responses module is imported first so that it keeps the real BackendDict.
    import moto.stepfunctions.responses  # noqa: F401

    sfn_models.stepfunctions_backends = _BackendsByCurrentSetting(sfn_models.stepfunctions_backends)
    state_machine = sfn_models.StateMachine
    # create(resource_name, cloudformation_json, …); update(original_resource, new_resource_name, cloudformation_json, …)
    for name, position in (("create_from_cloudformation_json", 1), ("update_from_cloudformation_json", 2)):
        setattr(state_machine, name, _with_resolved_definition(state_machine.__dict__[name], position))
