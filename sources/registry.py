"""The sources, in order: each declared once, as `SOURCE` in its own module (sources/<name>.py).

Everything that differs by source derives from the declarations registered here: the landing file names,
the loaders and staging tables, snapshot or increment, the validation suites' allowed values, the person
views and the exact pass, the Dagster assets. Adding a partner extract is one module plus its line in
`_BUILT_IN`; a test registers a source of its own with `register_source` (and removes it afterwards).
"""

from __future__ import annotations

import re

from settings import Settings, SettingsError
from sources import cross_keys_homes, dwp, early_help, police, school_attendance
from sources.layouts import ROW_COLUMNS, Source

_BUILT_IN = (early_help, school_attendance, police, dwp, cross_keys_homes)
_REGISTERED: dict[str, Source] = {}
_NAME = re.compile(r"[a-z][a-z0-9_]*")   # a table, a file and an asset key are named after it


def register_source(source: Source) -> Source:
    """Add `source` after those registered; its staging table is created when it is first loaded."""
    if not _NAME.fullmatch(source.name):
        raise ValueError(f"source name {source.name!r}: lower case letters, digits and _ only")
    if source.name in _REGISTERED:
        raise ValueError(f"source {source.name!r} is already registered")
    missing = [column for column in (*ROW_COLUMNS, *source.layout.key) if column not in source.staging]
    if missing:
        raise ValueError(f"source {source.name!r}: staging columns lack {', '.join(missing)}")
    _REGISTERED[source.name] = source
    return source


def unregister_source(name: str) -> None:
    """Remove a source registered by `register_source` (a test's own); its rows stay in the warehouse."""
    _REGISTERED.pop(name, None)


def registered_sources() -> tuple[Source, ...]:
    return tuple(_REGISTERED.values())


def source_names() -> tuple[str, ...]:
    return tuple(_REGISTERED)


def get_source(name: str) -> Source:
    if name not in _REGISTERED:
        raise ValueError(f"unknown source {name!r}; expected one of {', '.join(_REGISTERED)}")
    return _REGISTERED[name]


def matched_sources() -> tuple[Source, ...]:
    """The extracts whose people are matched against the Early Help register (all but the register)."""
    return tuple(source for source in _REGISTERED.values() if source.person is not None)


def identifier_columns() -> dict[str, str]:
    """source -> `upn` or `nino`, for the sources whose people are keyed by that personal identifier."""
    columns = {}
    for source in matched_sources():
        if source.person and source.person.identifier:
            columns[source.name] = source.person.identifier
    return columns


def check_source_settings(settings: Settings) -> None:
    """Settings that name sources name registered ones (settings/ cannot know them: it sits below sources/)."""
    unknown = sorted(set(settings.loading.retention_months) - set(_REGISTERED))
    if unknown:
        raise SettingsError(f"loading.retention_months: unknown source {', '.join(unknown)}; "
                            f"expected one of {', '.join(_REGISTERED)}")


for _module in _BUILT_IN:
    register_source(_module.SOURCE)
