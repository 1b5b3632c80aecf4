"""An ECS task keeps its status until it is stopped.

What AWS does
    A task started by RunTask stays RUNNING (after PROVISIONING/PENDING) for as
    long as its essential containers run; it moves on to DEACTIVATING →
    STOPPING → DEPROVISIONING → STOPPED only when it is stopped (StopTask, or an
    essential container exits). Describing it changes nothing: an
    ``ecs:runTask.sync`` Task state, which polls DescribeTasks, waits until the
    task stops.

What moto 5.2.5 does
    Its ``ecs::task`` model is driven by moto's state manager with the default
    transition ``{"progression": "manual", "times": 1}``: every DescribeTasks
    advances the task one status (RUNNING → DEACTIVATING → STOPPING →
    DEPROVISIONING → STOPPED). So a task stops by itself after a few
    DescribeTasks, and a ``runTask.sync`` state (moto polls every 0.5 s)
    succeeds about two seconds after RunTask whatever the task does.

What the fix does
    Registers ``{"progression": "manual", "times": 2**31}`` as the default
    transition of ``ecs::task``: a "manual" progression that never comes due, so
    a task keeps its status until StopTask (which the harness's task executor,
    or a test, calls when the task's work ends). Only the default changes: a
    test can still set a progression through ``/moto-api/state-manager/set-transition``.
"""

from __future__ import annotations

_ECS_TASK_MODEL = "ecs::task"
# "manual" progression that never comes due: the task keeps its status until StopTask.
_ECS_TASK_TRANSITION = {"progression": "manual", "times": 2**31}


def apply() -> None:
    from moto.moto_api import state_manager

    state_manager.register_default_transition(model_name=_ECS_TASK_MODEL, transition=_ECS_TASK_TRANSITION)
