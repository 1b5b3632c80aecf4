"""SendTaskFailure passes its cause on.

AWS: ``SendTaskFailure(taskToken, error, cause)`` fails the waiting
``.waitForTaskToken`` state with that ``error`` and ``cause``, verbatim: a ``Catch``
with ``ResultPath`` sees ``{"Error": error, "Cause": cause}``.

moto 5.2.5 (moto/stepfunctions/responses.py, ``send_task_failure``): reads ``taskToken`` and
``error`` and drops ``cause``, so the state fails with ``Cause: null``.

The fix: the response handler passes ``cause`` to the backend too.
"""

from typing import Any


def apply() -> None:
    from moto.core.responses import EmptyResult
    from moto.stepfunctions.responses import StepFunctionResponse

    def send_task_failure(self: Any) -> Any:
        self.stepfunction_backend.send_task_failure(
            self._get_param("taskToken"),
            error=self._get_param("error"),
            cause=self._get_param("cause"),
        )
        return EmptyResult()

    StepFunctionResponse.send_task_failure = send_task_failure
