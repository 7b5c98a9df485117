"""No phone or device id leaves staging (CONTRACT §2)."""

from __future__ import annotations

import re

from pytests.dbtrun import DbtResult

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
MOBILE_SQL = "(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)"
AFTER_STAGING = ("intermediate", "marts")


def test_no_pii_column_after_staging(demo_build: DbtResult) -> None:
    with demo_build.connect() as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema in ('intermediate', 'marts')"
            " and (column_name ilike '%phone%' or column_name ilike '%device%')"
        ).fetchall()
    assert columns == []


def test_no_mart_value_looks_like_a_mainland_mobile(demo_build: DbtResult) -> None:
    hits = []
    with demo_build.connect() as con:
        text_columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema in ('intermediate', 'marts') and data_type = 'VARCHAR'"
        ).fetchall()
        assert text_columns, "no text columns found after staging"
        for schema, table, column in text_columns:
            rows = con.execute(
                f'select "{column}" from "{schema}"."{table}"'
                f" where regexp_matches(\"{column}\", '{MOBILE_SQL}') limit 3"
            ).fetchall()
            hits += [(schema, table, column, value) for (value,) in rows if MOBILE.search(value)]
    assert hits == []


def test_the_demo_export_has_phones_to_hide(demo_build: DbtResult) -> None:
    """The check above means something only if the raw data has mobiles."""
    with demo_build.connect() as con:
        phones = con.execute(
            "select count(*) from raw_demo.raw_members"
            " where regexp_matches(phone, '1[3-9][0-9]{9}')"
        ).fetchone()[0]
        rejected = con.execute(
            "select count(*) from marts.rejected_rows where entity = 'members'"
        ).fetchone()[0]
    assert phones > 0
    assert rejected > 0
