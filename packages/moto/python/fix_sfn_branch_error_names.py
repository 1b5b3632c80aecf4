"""A Map iteration or Parallel branch that fails with a States.* error passes that error on.

AWS: when an iteration of a Map state (or a branch of a Parallel state) fails, the state
fails with the same error and cause: a Task in a Map that ends in ``States.TaskFailed``
(an ECS task that exited non-zero, after its retries) makes the Map fail with
``States.TaskFailed``, and the Map's ``Catch`` sees ``{"Error": "States.TaskFailed", …}``.

moto 5.2.5 (state_map/iteration/iteration_worker.py, state_parallel/branches_decl.py): the
iteration's error becomes a ``CustomErrorName``, which refuses names starting with
"States." by raising ValueError; the Map or Parallel state then fails with
``States.Runtime``, cause "Custom Error Names MUST NOT begin with the prefix 'States.', got
'States.TaskFailed'."

The fix: in those two modules, a States.* error name becomes the ``StatesErrorName`` it
names; every other name stays a ``CustomErrorName``.
"""

from typing import Any


def apply() -> None:
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import iteration_worker
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl

    def error_name_of(error_name: Any) -> Any:
        if isinstance(error_name, str) and error_name.startswith("States."):
            try:
                return StatesErrorName(typ=StatesErrorNameType.from_name(error_name))
            except ValueError:
                pass
        return CustomErrorName(error_name=error_name)

    iteration_worker.CustomErrorName = error_name_of
    branches_decl.CustomErrorName = error_name_of
