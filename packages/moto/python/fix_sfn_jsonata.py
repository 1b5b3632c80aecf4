"""JSONata expressions in a state machine are evaluated.

AWS: a state machine (or state) with ``"QueryLanguage": "JSONata"`` writes its fields
(``Arguments``, ``Output``, ``Assign``, ``Condition``, ``Items``, ``ItemSelector``…) as
JSONata expressions between ``{%`` and ``%}``. Step Functions evaluates each one with
``$states`` (input, result, errorOutput, context) and the workflow variables bound
("Transforming data with JSONata in Step Functions", AWS Step Functions developer guide).

moto 5.2.5 parses such definitions, and builds each expression's text with the bindings
declared in front of it (``($states:={…};$order:={…};<expression>)``), but it leaves out
the evaluator: ``eval_jsonata_expression`` in
moto/stepfunctions/parser/asl/jsonata/jsonata.py calls a module-level function pointer,
``_eval_jsonata``, that nothing sets. The first expression fails the execution with
``States.Runtime`` and the cause ``TypeError('NoneType' object is not callable)``.

The fix: sets that pointer to an evaluator built on jsonata-python (a pure-Python port of
JSONata 2.x, pinned in requirements-dev.txt). The evaluator takes moto's composed text and
gives back plain JSON values. A JSONata error raises moto's own ``JSONataException``, as
moto's missing evaluator would, so moto still turns it into a ``States.Runtime`` failure
(AWS says ``States.QueryEvaluationError``; no harness test depends on that difference).
"""

import json
from typing import Any


def apply() -> None:
    import jsonata

    from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata

    def evaluate(expression: str) -> Any:
        try:
            result = jsonata.Jsonata(expression).evaluate(None)
        except Exception as error:
            raise moto_jsonata.JSONataException("UNKNOWN", str(error)) from error
        # jsonata-python returns its own list type; the rest of moto's engine expects plain JSON values.
        return None if result is None else json.loads(json.dumps(result))

    moto_jsonata._eval_jsonata = evaluate
