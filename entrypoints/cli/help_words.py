"""Help in words: the value placeholders of every option and argument say what to type
(``--actor ACTOR``, ``--batch-size NUMBER``, ``--out FILE``, ``--role oar|manager|…``)
instead of Typer's Python types (``<str>``, ``<list[str]>``, ``<int range>``)."""

from __future__ import annotations

from typing import Any


def use_words(command: Any) -> Any:
    """Set a worded metavar on every parameter of ``command`` and its subcommands."""
    for param in getattr(command, "params", []):
        if getattr(param, "metavar", None) is None and not getattr(param, "is_flag", False):
            word = _word(param)
            if word is not None:
                param.metavar = word
        if getattr(param, "param_type_name", "") == "argument":
            param.display_type_rich = lambda ctx: None  # the name (GROUP) already says it
    for sub in getattr(command, "commands", {}).values():
        use_words(sub)
    return command


def _word(param: Any) -> str | None:
    described = getattr(param, "type_descriptor", None)
    if described is None or param.name is None:
        return None
    if described.is_choice:
        return "|".join(str(getattr(choice, "value", choice)) for choice in described.choices or ())
    if described.is_tuple:
        return " ".join("NUMBER" for _ in range(param.nargs))
    if described.is_path:
        return "FILE"
    if described.is_datetime:
        return "DATE"
    if described.is_ranged or _bare(param) in ("int", "float"):
        return "NUMBER"
    return param.name.upper()


def _bare(param: Any) -> str:
    try:
        return param.bare_type()
    except Exception:  # noqa: BLE001 - only used to pick a word
        return ""
