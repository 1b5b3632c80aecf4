"""A JSONPath through a literal array index selects one value, not a list of it.

AWS: in Step Functions' JSONPath (Parameters, ResultSelector, InputPath, Choice
variables…), ``$.Containers[0].ExitCode`` is the exit code of the first container:
a path made only of names and literal indices selects exactly one value. Only
wildcards, slices and filters (``[*]``, ``[1:]``, ``[?(...)]``, ``..``) select lists.

moto 5.2.5 (moto/stepfunctions/parser/asl/utils/json_path.py, ``extract_json``): when the
match's parent was reached through an index, the value comes back as a one-element
list (a workaround for getmoto/moto#7825, about wildcards), so ``$.Containers[0].ExitCode``
gives ``[0]`` and ``$.Tasks[0].TaskArn`` gives ``["arn:…"]``.

The fix: a path with no wildcard, slice, filter or recursive descent that matches once
gives the matched value itself; every other path is left to moto.
"""

import re
import sys
from typing import Any

# Anything that can select more than one value: [*] / .* wildcards, slices, filters, unions, recursive descent.
_SELECTS_MANY = re.compile(r"\*|\[[^\]'\"]*:[^\]'\"]*\]|\?\(|\.\.|\[[^\]'\"]*,[^\]'\"]*\]")


def _definite(path: str) -> bool:
    return isinstance(path, str) and path.startswith("$") and not _SELECTS_MANY.search(path)


def apply() -> None:
    from jsonpath_ng.ext import parse

    from moto.stepfunctions.parser.asl.utils import json_path

    original = json_path.extract_json

    def extract_json(path: str, data: Any) -> Any:
        if _definite(path):
            matches = parse(path).find(data)
            if len(matches) == 1:
                return matches[0].value
        return original(path, data)

    json_path.extract_json = extract_json
    # Modules that imported the function by name before this ran keep their own reference.
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.stepfunctions") and getattr(module, "extract_json", None) is original:
            module.extract_json = extract_json
