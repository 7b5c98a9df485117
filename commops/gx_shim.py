"""The one place where Great Expectations is adapted to DuckDB.

GX 1.x does not list DuckDB among its SQL dialects, but its SQL datasource works over
``duckdb:///PATH`` (duckdb-engine + SQLAlchemy) except for one thing:
``SqlAlchemyExecutionEngine.execute_query`` runs a query inside ``with self.get_connection()``
and returns the live result *after* that block has closed the connection. Other drivers keep
the rows; DuckDB's driver drops unread rows when its connection closes, so every metric comes
back empty and every expectation fails with ``list index out of range`` inside.

:func:`install` replaces that method with one that buffers the rows (``result.freeze()()``)
before the connection closes, for DuckDB engines only; every other dialect still runs GX's
own method. The metrics are still computed in DuckDB: GX's metric queries are aggregates or
carry a ``LIMIT`` (with the ``SUMMARY`` result format the runner uses), so what gets buffered
is a handful of rows.

:func:`check_gx_internals` verifies that the installed GX is the pinned version and that the
method still has exactly the shape patched here. When GX changes, it raises
:class:`GXShimError` instead of silently patching something else: re-check then whether the
bug is still there (``pytests/test_gx_run.py`` proves it each run) and update this module.

Nothing else in the repository monkeypatches GX.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import great_expectations
import sqlalchemy
from great_expectations.execution_engine.sqlalchemy_execution_engine import (
    SqlAlchemyExecutionEngine,
)

PINNED_GX_VERSION = "1.24.1"

# The body of GX's execute_query (after its docstring), as ast.unparse renders it. The bug is
# the `return` outside the `with`: the connection is closed before anyone reads the rows.
_EXPECTED_BODY = [
    "with self.get_connection() as connection:\n"
    "    result = self._execute_query_with_recovery(connection, query)",
    "return result",
]
_EXPECTED_ARGS = ["self", "query"]
_MARKER = "__commops_duckdb_buffering__"

_original_execute_query: Callable[..., Any] | None = None


class GXShimError(RuntimeError):
    """The GX internals patched here are not the ones this shim was written for."""


def _unpatched() -> Callable[..., Any]:
    """GX's own execute_query, whether or not the shim is installed."""
    method = SqlAlchemyExecutionEngine.execute_query
    if getattr(method, _MARKER, False):
        assert _original_execute_query is not None
        return _original_execute_query
    return method


def check_gx_internals() -> None:
    """Raise GXShimError unless GX is the pinned version with the method shape patched here."""
    version = great_expectations.__version__
    if version != PINNED_GX_VERSION:
        raise GXShimError(
            f"great-expectations {version} is installed but commops.gx_shim was written for "
            f"{PINNED_GX_VERSION}. Check whether SqlAlchemyExecutionEngine.execute_query still "
            "returns its result after closing the connection, then update PINNED_GX_VERSION "
            "(or drop the shim)."
        )

    for name in ("get_connection", "_execute_query_with_recovery"):
        if not callable(getattr(SqlAlchemyExecutionEngine, name, None)):
            raise GXShimError(
                f"SqlAlchemyExecutionEngine.{name} is gone: the buffering shim calls it."
            )
    if not callable(getattr(sqlalchemy.engine.CursorResult, "freeze", None)):
        raise GXShimError("sqlalchemy CursorResult.freeze() is gone: the shim buffers with it.")

    original = _unpatched()
    try:
        source = textwrap.dedent(inspect.getsource(original))
    except (OSError, TypeError) as exc:
        raise GXShimError(f"cannot read the source of execute_query: {exc}") from exc
    tree = ast.parse(source)
    func = tree.body[0]
    if not isinstance(func, ast.FunctionDef) or func.name != "execute_query":
        raise GXShimError("SqlAlchemyExecutionEngine.execute_query is no longer a plain method.")
    args = [a.arg for a in func.args.args]
    body = list(func.body)
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]  # the docstring
    rendered = [ast.unparse(stmt) for stmt in body]
    if args != _EXPECTED_ARGS or rendered != _EXPECTED_BODY:
        raise GXShimError(
            "SqlAlchemyExecutionEngine.execute_query changed shape; the shim expected\n"
            f"  def execute_query({', '.join(_EXPECTED_ARGS)}):\n"
            + textwrap.indent("\n".join(_EXPECTED_BODY), "      ")
            + "\nbut found\n"
            f"  def execute_query({', '.join(args)}):\n"
            + textwrap.indent("\n".join(rendered), "      ")
            + "\nCheck whether DuckDB still loses the rows, then update commops/gx_shim.py."
        )


def is_installed() -> bool:
    """Whether the buffering execute_query is in place."""
    return bool(getattr(SqlAlchemyExecutionEngine.execute_query, _MARKER, False))


def install() -> None:
    """Install the buffering execute_query on SqlAlchemyExecutionEngine (idempotent).

    Runs check_gx_internals() first, so a GX whose internals moved is never patched.
    """
    global _original_execute_query
    if is_installed():
        return
    check_gx_internals()
    original = SqlAlchemyExecutionEngine.execute_query

    @functools.wraps(original)
    def execute_query(
        self: SqlAlchemyExecutionEngine,
        query: sqlalchemy.Selectable | sqlalchemy.TextClause,
    ) -> Any:
        if self.engine.dialect.name != "duckdb":
            return original(self, query)
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            # Read the rows while the connection is open: DuckDB drops them at close.
            if result.returns_rows:
                return result.freeze()()
            return result

    setattr(execute_query, _MARKER, True)
    _original_execute_query = original
    SqlAlchemyExecutionEngine.execute_query = execute_query  # type: ignore[method-assign]


def uninstall() -> None:
    """Put GX's own execute_query back (for tests that prove the shim is still needed)."""
    if is_installed():
        assert _original_execute_query is not None
        SqlAlchemyExecutionEngine.execute_query = _original_execute_query  # type: ignore[method-assign]


@contextmanager
def uninstalled() -> Iterator[None]:
    """Run a block with GX's own execute_query, re-installing the shim afterwards if it was."""
    was_installed = is_installed()
    uninstall()
    try:
        yield
    finally:
        if was_installed:
            install()


def sqlalchemy_reflection_warning() -> str | None:
    """Explain the SQLAlchemy 2.1 problem with DuckDB reflection, or None when not affected.

    Under SQLAlchemy 2.1, duckdb-engine's column reflection queries pg_catalog.pg_collation,
    which DuckDB does not have. GX then falls back to `SELECT * FROM <table> LIMIT 1`
    without the schema, so a table outside DuckDB's default schema `main` cannot be
    validated (every expectation on it errors) and column types are never known.
    SQLAlchemy 2.0.x reflects correctly.
    """
    major_minor = tuple(int(p) for p in sqlalchemy.__version__.split(".")[:2])
    if major_minor < (2, 1):
        return None
    return (
        f"SQLAlchemy {sqlalchemy.__version__}: duckdb-engine cannot reflect columns under "
        "SQLAlchemy 2.1, so GX cannot validate tables outside schema `main` (they error) "
        "and knows no column types; pin sqlalchemy to 2.0.x (2.0.58 works)."
    )
