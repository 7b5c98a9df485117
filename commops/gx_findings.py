"""What a Great Expectations result means, said as marts.dq_checks says it.

GX renders a failed per-check expectation as "values must be ≥0.0 and ≤0.0 … Unexpected Value
8", which a data steward cannot decode. :func:`finding` turns an expectation's result into one
sentence instead:

* an expectation with ``meta.check_name`` and ``meta.entity`` (the authenticity suite's
  per-check expectations, one per row of dq_checks) counts the rows the check hit, in the words
  of the check's kind in the dq_check_catalog seed: "members: 8 rows rejected for
  unparseable_timestamp, expected 0";
* any other expectation with a ``meta.description`` says that description and what was found:
  "share of members flagged registration_burst (...) ≤ 1%: found 1.36 %";
* without a description there is nothing better to say than GX's own text (None).

The GX runner prints these sentences, writes them into the summary and shows them in the Data
Docs in place of GX's rendering of the expectation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commops import contract

#: What a failing row of each kind of check (dq_check_catalog.failing_rows_from) is, in words.
ROW_WORDS = {
    "rejected": "rejected for {check}",
    "collapsed": "collapsed into an exact duplicate ({check})",
    "row_balance": "unaccounted for ({check}: raw − staged − rejected − collapsed)",
    "flag": "flagged {check}",
    "staging": "staged with {check}",
}
#: Words for a check the catalog does not list (a suite written for another warehouse).
OTHER_CHECK_WORDS = "hit by {check}"
#: Column name endings of values that are fractions, shown as percentages.
SHARE_SUFFIXES = ("_share", "_rate")


def _number(value: Any) -> str:
    """8 -> '8', 8.0 -> '8', 12345 -> '12,345', 0.1234567 -> '0.1235'."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4g}"


def _value(value: Any, column: str | None) -> str:
    """A value as a reader expects it: fractions of a *_share or *_rate column in percent."""
    if column and column.endswith(SHARE_SUFFIXES) and isinstance(value, int | float):
        return f"{float(value) * 100:.3g} %"
    return _number(value)


def expected_range(kwargs: Mapping[str, Any], column: str | None = None) -> str | None:
    """'0', 'at most 1 %', 'at least 1', '300 to 900' from min_value / max_value; else None."""
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None:
        if low == high:
            return _value(high, column)
        return f"{_value(low, column)} to {_value(high, column)}"
    if high is not None:
        return f"at most {_value(high, column)}"
    if low is not None:
        return f"at least {_value(low, column)}"
    return None


def single_value(status: str, observed: Mapping[str, Any], kwargs: Mapping[str, Any]) -> Any:
    """The one value a one-row batch was checked on, when the result tells it: the unexpected
    value of a failure, or the only value a passing exact range allows; else None."""
    if observed.get("element_count") != 1:
        return None
    if status == "failed" and observed.get("partial_unexpected_list"):
        return observed["partial_unexpected_list"][0]
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if status == "passed" and low is not None and low == high:
        return low
    return None


def _rows(count: Any) -> str:
    """'1 row', '8 rows', '12,345 rows'."""
    return f"{_number(count)} row" + ("" if count == 1 else "s")


def check_finding(
    check_name: str, entity: str, count: Any, kwargs: Mapping[str, Any]
) -> str | None:
    """'members: 8 rows rejected for unparseable_timestamp, expected 0' (None: no count)."""
    if count is None:
        return None
    catalog = contract.dq_checks().get((check_name, entity))
    words = ROW_WORDS.get(catalog.failing_rows_from, OTHER_CHECK_WORDS) if catalog else None
    text = f"{entity}: {_rows(count)} {(words or OTHER_CHECK_WORDS).format(check=check_name)}"
    expected = expected_range(kwargs)
    return f"{text}, expected {expected}" if expected else text


def rule(meta: Mapping[str, Any], kwargs: Mapping[str, Any]) -> str | None:
    """The expectation in words before any run: 'members: rows rejected for
    unparseable_timestamp, expected 0', else its meta.description, else None."""
    check_name, entity = meta.get("check_name"), meta.get("entity")
    if isinstance(check_name, str) and isinstance(entity, str):
        said = check_finding(check_name, entity, 0, kwargs)
        assert said is not None
        return said.replace(f"{entity}: 0 rows ", f"{entity}: rows ", 1)
    description = meta.get("description")
    if isinstance(description, str) and description.strip():
        return description.strip().rstrip(".")
    return None


def value_of(status: str, observed: Mapping[str, Any], kwargs: Mapping[str, Any]) -> Any:
    """What a result found in one value, when it has one: a one-row batch's value (see
    single_value) or an aggregate's observed_value; else None."""
    single = single_value(status, observed, kwargs)
    if single is not None:
        return single
    return observed.get("observed_value")


def finding(
    meta: Mapping[str, Any],
    kwargs: Mapping[str, Any],
    column: str | None,
    status: str,
    observed: Mapping[str, Any],
) -> str | None:
    """One sentence saying what the result of an expectation means (see the module docstring);
    None for an errored result or an expectation with neither a check nor a description."""
    if status == "errored":
        return None
    check_name, entity = meta.get("check_name"), meta.get("entity")
    if isinstance(check_name, str) and isinstance(entity, str):
        said = check_finding(check_name, entity, single_value(status, observed, kwargs), kwargs)
        if said:
            return said
    description = meta.get("description")
    if not isinstance(description, str) or not description.strip():
        return None
    rule = description.strip().rstrip(".")
    if status == "passed":
        return rule
    value = value_of(status, observed, kwargs)
    if value is not None:
        return f"{rule}: found {_value(value, column)}"
    if observed.get("unexpected_count") is not None:
        text = f"{rule}: {_number(observed['unexpected_count'])} unexpected"
        if observed.get("element_count") is not None:
            text += f" of {_rows(observed['element_count'])}"
        if observed.get("unexpected_percent") is not None:
            text += f" ({observed['unexpected_percent']:.3g} %)"
        examples = list(dict.fromkeys(map(str, observed.get("partial_unexpected_list") or [])))
        if examples:
            text += ", e.g. " + ", ".join(examples)
        return text
    return rule
