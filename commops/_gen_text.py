"""Text of generated values as a raw export writes them: timestamps, dates, amounts, ids.

Times are int64 seconds of Shanghai local time since 1970-01-01 00:00 (naive), dates are int64
days since 1970-01-01, money is int64 cents (hundredths of the currency unit). ``NA`` marks a
missing value in any of them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NA = np.iinfo(np.int64).min
DAY = 86_400
SHANGHAI_OFFSET = 8 * 3600

# Timestamp styles, all accepted by CONTRACT §2.
TS_SPACE = 0  # 2024-03-05 14:07:09        Shanghai local
TS_T = 1  # 2024-03-05T14:07:09            Shanghai local
TS_LOCAL_OFFSET = 2  # 2024-03-05T14:07:09+08:00
TS_UTC_Z = 3  # 2024-03-05T06:07:09Z      the same instant in UTC
TS_UTC_OFFSET = 4  # 2024-03-05 06:07:09+00:00
TS_DATE = 5  # 2024-03-05                  00:00 Shanghai: only where that is harmless
TS_WEIGHTS = np.array([0.84, 0.07, 0.03, 0.03, 0.03])

# Date styles.
D_ISO = 0  # 2024-03-05
D_SLASH_SHORT = 1  # 2024/3/5
D_WITH_TIME = 2  # 2024-03-05 00:00:00
D_SLASH = 3  # 2024/03/05

Table = dict[str, np.ndarray]


def pick_ts_styles(rng: np.random.Generator, n: int, date_share: float = 0.0) -> np.ndarray:
    """Mostly `YYYY-MM-DD HH:MM:SS`, some `T`, some with an offset, optionally some dates."""
    styles = rng.choice(len(TS_WEIGHTS), size=n, p=TS_WEIGHTS).astype(np.int8)
    if date_share > 0:
        styles[rng.random(n) < date_share] = TS_DATE
    return styles


def pick_date_styles(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(4, size=n, p=[0.88, 0.05, 0.04, 0.03]).astype(np.int8)


def _base(secs: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(secs.astype("datetime64[s]")), pa.string())


def _suffix(arr: pa.Array, suffix: str) -> pa.Array:
    return pc.binary_join_element_wise(arr, pa.scalar(suffix), pa.scalar(""))


def _with_t(arr: pa.Array) -> pa.Array:
    return pc.replace_substring(arr, " ", "T", max_replacements=1)


def timestamp_array(secs: np.ndarray, styles: np.ndarray) -> pa.Array:
    """Arrow text of local times in their styles; NA becomes null."""
    secs = np.asarray(secs, dtype=np.int64)
    present = secs != NA
    safe = np.where(present, secs, 0)
    out = _base(safe)
    for style in np.unique(styles[present]):
        if style == TS_SPACE:
            continue
        mask = present & (styles == style)
        sub = safe[mask]
        if style == TS_T:
            rep = _with_t(_base(sub))
        elif style == TS_LOCAL_OFFSET:
            rep = _suffix(_with_t(_base(sub)), "+08:00")
        elif style == TS_UTC_Z:
            rep = _suffix(_with_t(_base(sub - SHANGHAI_OFFSET)), "Z")
        elif style == TS_UTC_OFFSET:
            rep = _suffix(_base(sub - SHANGHAI_OFFSET), "+00:00")
        elif style == TS_DATE:
            rep = pc.utf8_slice_codeunits(_base(sub), 0, 10)
        else:  # pragma: no cover - styles are the constants above
            raise ValueError(f"unknown timestamp style {style}")
        out = pc.replace_with_mask(out, pa.array(mask), rep)
    if not present.all():
        out = pc.if_else(pa.array(present), out, pa.scalar(None, pa.string()))
    return out


def timestamp_text(secs: np.ndarray, styles: np.ndarray) -> np.ndarray:
    return to_objects(timestamp_array(secs, styles))


def one_timestamp(secs: int, style: int = TS_SPACE) -> str:
    return str(timestamp_text(np.array([secs]), np.array([style], dtype=np.int8))[0])


def date_text(days: np.ndarray, styles: np.ndarray) -> np.ndarray:
    """Object array of dates in their styles; NA becomes ''."""
    days = np.asarray(days, dtype=np.int64)
    present = days != NA
    iso = to_objects(
        pc.cast(pa.array(np.where(present, days, 0).astype("datetime64[D]")), pa.string())
    )
    out = np.where(present, iso, "").astype(object)
    for i in np.flatnonzero(present & (styles != D_ISO)):
        s = iso[i]
        if styles[i] == D_SLASH_SHORT:
            out[i] = f"{s[:4]}/{int(s[5:7])}/{int(s[8:10])}"
        elif styles[i] == D_WITH_TIME:
            out[i] = s + " 00:00:00"
        else:
            out[i] = s.replace("-", "/")
    return out


def amount_text(
    cents: np.ndarray, separators: np.ndarray, whole_when_integral: np.ndarray | None = None
) -> np.ndarray:
    """`1234.50`, or `1,234.50` where separators is true; `1200` where integral and asked."""
    cents = np.asarray(cents, dtype=np.int64)
    out = np.empty(len(cents), dtype=object)
    whole = np.zeros(len(cents), bool) if whole_when_integral is None else whole_when_integral
    for i, c in enumerate(cents.tolist()):
        if c == NA:
            out[i] = ""
            continue
        sign = "-" if c < 0 else ""
        units, frac = divmod(abs(c), 100)
        body = f"{units:,}" if separators[i] else str(units)
        out[i] = f"{sign}{body}" if whole[i] and frac == 0 else f"{sign}{body}.{frac:02d}"
    return out


def int_text(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.int64)
    return np.array([("" if v == NA else str(v)) for v in values.tolist()], dtype=object)


def id_array(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, pa.scalar(""))


def id_text(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return to_objects(id_array(prefix, np.asarray(numbers, dtype=np.int64), width))


def to_objects(arr: pa.Array) -> np.ndarray:
    """Object array of str with '' for null."""
    out = arr.to_numpy(zero_copy_only=False)
    if arr.null_count:
        out = out.copy()
        out[pc.is_null(arr).to_numpy(zero_copy_only=False)] = ""
    return out.astype(object)


def width_for(count: int, minimum: int) -> int:
    return max(minimum, len(str(max(count - 1, 0))))
