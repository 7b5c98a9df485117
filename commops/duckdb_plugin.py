"""The dbt-duckdb plugin of this project (profiles.yml, `plugins:`): SQL functions that need
Python, registered on every connection dbt opens.

- `commops_pii_salt()`: the salt of the phone and device hashes, read from COMMOPS_PII_SALT.
  The salt reaches the SQL as a function call, never pasted into it, so no secret lands in
  compiled SQL, `target/`, the logs or the warehouse, and any character in it works.
- `commops_pii_salt_is_public()`: whether that salt is the demo's public one (unset, empty or
  the demo value): a build from real exports stops then (macro `check_raw_inputs`).
- `commops_raw_problems(raw_dir)`: every problem of a RAW_DIR export folder, one per line
  ('' when none): those `commops.exports.check_folder` finds from headers and a sample and,
  when there are none, those of reading each CSV and xlsx export whole
  (`commops.exports.prepare`, which writes them as Parquet records into a cache folder beside
  the working file, once per change: a quote never closed, a line in neither encoding).
- `commops_raw_export(raw_dir, entity)`: what DuckDB reads for one export, as JSON
  {"path", "kind"}, or {"error"} naming the file.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

#: The salt the demo uses when COMMOPS_PII_SALT is unset: public, so never for real exports.
PUBLIC_DEMO_SALT = "commops-demo-salt"
#: The salt of builds of generated exports (tests, benchmark, detection scoring): no real
#: person's phone is in them, so a known salt is harmless there.
SYNTHETIC_DATA_SALT = "commops-synthetic-data"


def pii_salt() -> str:
    """The salt of the PII hashes: COMMOPS_PII_SALT, or the public demo salt."""
    return os.environ.get("COMMOPS_PII_SALT") or PUBLIC_DEMO_SALT


def synthetic_salt_env() -> dict[str, str]:
    """The environment entry for a build of generated exports: COMMOPS_PII_SALT as set, else
    the synthetic-data salt (the build stops on the public demo salt for a RAW_DIR folder)."""
    return {"COMMOPS_PII_SALT": os.environ.get("COMMOPS_PII_SALT") or SYNTHETIC_DATA_SALT}


def pii_salt_is_public() -> bool:
    """Whether the salt is the demo's public one (anyone could reverse an 11-digit phone)."""
    return pii_salt() == PUBLIC_DEMO_SALT


class Plugin(BasePlugin):
    """Registers the functions above on each DuckDB connection dbt opens (cursors share them)."""

    def initialize(self, plugin_config: dict) -> None:
        self._preflights: dict[str, object] = {}
        self._prepared: dict[str, dict | Exception] = {}
        # dbt compiles models on several threads; the folder is checked and its exports
        # converted once per run, by one of them (a conversion writes into the cache folder).
        self._lock = threading.Lock()

    def _cache_dir(self) -> Path:
        """Converted exports live beside the working file, never in the export folder."""
        from commops.build import DEFAULT_WORKING

        working = Path(getattr(self.creds, "path", None) or DEFAULT_WORKING)
        return working.resolve().parent / "raw_cache"

    def _preflight(self, raw_dir: str):
        from commops import exports

        with self._lock:
            if raw_dir not in self._preflights:
                self._preflights[raw_dir] = exports.check_folder(raw_dir)
            return self._preflights[raw_dir]

    def _readable(self, raw_dir: str, preflight) -> dict:
        """The exports as DuckDB reads them (prepared once per run); ExportError if not."""
        from commops import exports

        with self._lock:
            if raw_dir not in self._prepared:
                try:
                    self._prepared[raw_dir] = exports.prepare(preflight, self._cache_dir())
                except exports.ExportError as error:
                    self._prepared[raw_dir] = error
            found = self._prepared[raw_dir]
        if isinstance(found, Exception):
            raise found
        return found

    def raw_problems(self, raw_dir: str) -> str:
        from commops import exports

        preflight = self._preflight(raw_dir)
        if not preflight.ok:
            return "\n".join(preflight.problems)
        try:
            self._readable(raw_dir, preflight)
        except exports.ExportError as error:
            return "\n".join(error.problems)
        return ""

    def raw_export(self, raw_dir: str, entity: str) -> str:
        from commops import exports

        preflight = self._preflight(raw_dir)
        if not preflight.ok:
            return json.dumps({"error": preflight.message()})
        if entity not in preflight.exports:  # an optional export the folder does not have
            return json.dumps({"kind": "absent"})
        try:
            readable = self._readable(raw_dir, preflight)[entity]
        except exports.ExportError as error:
            return json.dumps({"error": str(error)})
        return json.dumps({"path": str(readable.path), "kind": readable.kind})

    def configure_connection(self, conn) -> None:
        conn.create_function("commops_pii_salt", pii_salt, [], "VARCHAR", side_effects=False)
        conn.create_function(
            "commops_pii_salt_is_public", pii_salt_is_public, [], "BOOLEAN", side_effects=False
        )
        conn.create_function(
            "commops_raw_problems", self.raw_problems, ["VARCHAR"], "VARCHAR", side_effects=True
        )
        conn.create_function(
            "commops_raw_export",
            self.raw_export,
            ["VARCHAR", "VARCHAR"],
            "VARCHAR",
            side_effects=True,
        )
