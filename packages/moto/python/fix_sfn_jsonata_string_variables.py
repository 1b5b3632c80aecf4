"""A workflow variable holding a string keeps its value whatever characters it has.

AWS: ``Assign`` stores any JSON value, and a later state reads it back as it was
(``$note`` is the string ``say "hi"``). The history's ``assignedVariables`` give each
value as JSON text (``"say \\"hi\\""``) ("Passing data between states with variables",
AWS Step Functions developer guide).

moto 5.2.5 hands variables to JSONata as text declarations in front of each expression
(``$note:="<value>";``) and writes a string as ``"`` + value + ``"`` with nothing escaped
(moto/stepfunctions/parser/asl/jsonata/jsonata.py, ``encode_jsonata_variable_declarations``).
A string with a double quote, a backslash or a line break makes that text invalid, so every
later expression fails (``States.Runtime``), and one with ``"; $other:=...`` would change
other variables. ``VariableStore.get_assigned_variables`` (moto/stepfunctions/parser/asl/eval/
variable_store.py) writes the history's ``assignedVariables`` the same way.

The fix: both write a string as JSON text, as moto already writes every other value, and a
JSON string is also a JSONata string literal with the same value.
"""

import sys
from typing import Any


def apply() -> None:
    from moto.stepfunctions.parser.asl.eval import variable_store
    from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

    original = moto_jsonata.encode_jsonata_variable_declarations

    def as_json(value: Any) -> str:
        return to_json_str(value, separators=(",", ":"))

    def encode_jsonata_variable_declarations(bindings: dict[str, Any]) -> str:
        return "".join(f"{reference}:={as_json(value)};" for reference, value in bindings.items())

    moto_jsonata.encode_jsonata_variable_declarations = encode_jsonata_variable_declarations
    # Modules that imported the function by name before this ran keep their own reference.
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.stepfunctions") and getattr(module, "encode_jsonata_variable_declarations", None) is original:
            module.encode_jsonata_variable_declarations = encode_jsonata_variable_declarations

    def get_assigned_variables(self: Any) -> dict[str, str]:
        return {name: as_json(self.get(name)) for name in self._declaration_tracing}

    variable_store.VariableStore.get_assigned_variables = get_assigned_variables
