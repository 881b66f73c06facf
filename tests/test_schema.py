"""The tables live in one module per aggregate (storage/schema_*.py) and join one `metadata`,
which `storage.schema` hands on with every table under its own name: what Alembic compares
with the migrations, and what dozens of modules import tables from."""

from __future__ import annotations

from sqlalchemy import Table

import storage.schema as schema
from storage import (
    schema_cases,
    schema_notes,
    schema_pairs,
    schema_people,
    schema_reporting,
    schema_surveys,
    schema_system,
    schema_training,
)

AGGREGATES = (
    schema_people,
    schema_surveys,
    schema_pairs,
    schema_reporting,
    schema_system,
    schema_training,
    schema_notes,
    schema_cases,
)


def test_every_table_is_in_the_one_metadata_under_its_own_name() -> None:
    exported = {name for name in schema.__all__ if name != "metadata"}
    assert exported == set(schema.metadata.tables)
    for name in exported:
        assert getattr(schema, name) is schema.metadata.tables[name]


def test_each_table_belongs_to_exactly_one_aggregate_module() -> None:
    owners: dict[str, list[str]] = {}
    for module in AGGREGATES:
        for name in module.__all__:
            table = getattr(module, name)
            assert isinstance(table, Table) and table.name == name
            assert table.metadata is schema.metadata
            owners.setdefault(name, []).append(module.__name__)
    assert set(owners) == set(schema.metadata.tables)
    assert all(len(modules) == 1 for modules in owners.values()), owners


def test_foreign_keys_across_modules_resolve() -> None:
    for table in schema.metadata.tables.values():
        for key in table.foreign_keys:
            assert key.column.table.metadata is schema.metadata  # resolving raises if unknown
