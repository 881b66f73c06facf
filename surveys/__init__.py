"""Questionnaires as data and the pure engine that runs them (see DESIGN, "The four
questionnaires"). Handlers render what the engine returns and persist what changed.

- ``surveys.definitions``: ``load_definitions(dir) -> Registry``, the pydantic models;
- ``surveys.engine``: ``start`` / ``handle`` / ``render`` and the values they exchange;
- ``surveys.scoring``: satisfaction percentage and impact before/after.
"""

from surveys.definitions import (
    DATA_DIR,
    DefinitionError,
    Registry,
    SurveyDefinition,
    load_definitions,
)
from surveys.engine import (
    Context,
    DynamicOption,
    Outcome,
    Press,
    ResponseState,
    TextInput,
    View,
    WrongKind,
    handle,
    render,
    start,
)

__all__ = [
    "DATA_DIR",
    "Context",
    "DefinitionError",
    "DynamicOption",
    "Outcome",
    "Press",
    "Registry",
    "ResponseState",
    "SurveyDefinition",
    "TextInput",
    "View",
    "WrongKind",
    "handle",
    "load_definitions",
    "render",
    "start",
]
