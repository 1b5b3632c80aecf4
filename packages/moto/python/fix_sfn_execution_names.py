"""StartExecution without a name gets a unique (UUID) name.

What AWS does
    ``name`` is optional in StartExecution: "If you don't provide a name for the
    execution, Step Functions automatically generates a universally unique
    identifier (UUID) as the execution name." Starting one state machine twice
    without a name (e.g. a ``states:startExecution`` Task state without ``Name``,
    run twice) gives two executions.

What moto 5.2.5 does
    With its execution engine on (``{"stepfunctions": {"execute_state_machine":
    true}}``), ``StepFunctionsParserBackend.start_execution`` builds the
    execution ARN from ``name`` as given, so an unnamed execution is named
    "None" (``…:execution:<machine>:None``) and a second unnamed start of the
    same state machine fails with ``ExecutionAlreadyExists``.

What the fix does
    ``StepFunctionsParserBackend.start_execution`` called without a name (or
    with an empty one) passes ``str(uuid.uuid4())`` as the name instead.
"""

from __future__ import annotations

import uuid
from typing import Any


def apply() -> None:
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original_start_execution = StepFunctionsParserBackend.start_execution

    def start_execution(
        self: Any, state_machine_arn: str, name: str | None = None, execution_input: Any = None, trace_header: Any = None
    ) -> Any:
        return original_start_execution(self, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header)

    StepFunctionsParserBackend.start_execution = start_execution
