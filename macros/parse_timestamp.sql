{#- CONTRACT §2 timestamps: the whole pattern validates a value; three smaller patterns take
    its date, clock and zone apart (engines allow only nine groups in one pattern). -#}
{% macro timestamp_pattern() -%}
    {{- return('^[0-9]{4}(-[0-9]{1,2}-|/[0-9]{1,2}/)[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$') -}}
{%- endmacro %}

{#- YYYY-MM-DD HH:MM:SS with a valid clock and no offset: the usual form. -#}
{% macro plain_timestamp_pattern() -%}
    {{- return('^[0-9]{4}-[0-9]{2}-[0-9]{2} ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$') -}}
{%- endmacro %}

{#- YYYY-MM-DD, a space or T, HH:MM:SS with a valid clock, and optionally Z or a valid ±HH:MM
    offset: every part at a fixed position, so substr reads it (no regular expression groups).
    The ISO forms exports most often carry besides the usual one. -#}
{% macro fixed_timestamp_pattern() -%}
    {{- return('^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$') -}}
{%- endmacro %}

{#- Minutes east of UTC a value of the fixed pattern states (its zone starts at character 20). -#}
{% macro _fixed_offset_minutes(expr) -%}
    {{ commops._offset_minutes(
        'substr(' ~ expr ~ ', 20, 1)',
        'substr(' ~ expr ~ ', 20, 1)',
        commops.try_cast('substr(' ~ expr ~ ', 21, 2)', 'int'),
        commops.try_cast('substr(' ~ expr ~ ', 24, 2)', 'int')) }}
{%- endmacro %}

{#- Groups: 1 year, 2 month, 3 day. -#}
{% macro _date_parts_pattern() -%}{{ return('^([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})') }}{%- endmacro %}
{#- Groups: 1 hour, 2 minute, 4 second, 6 fraction. -#}
{% macro _clock_parts_pattern() -%}{{ return('^[^ T]+[ T]([0-9]{1,2}):([0-9]{2})(:([0-9]{2})([.]([0-9]{1,9}))?)?') }}{%- endmacro %}
{#- Groups: 1 zone (Z or offset), 2 sign, 3 offset hours, 4 offset minutes. -#}
{% macro _zone_parts_pattern() -%}{{ return('[0-9](Z|([+-])([0-9]{2}):([0-9]{2}))$') }}{%- endmacro %}

{% macro _part(expr, kind, n) -%}
    {%- set patterns = {'date': commops._date_parts_pattern(), 'clock': commops._clock_parts_pattern(), 'zone': commops._zone_parts_pattern()} -%}
    {{ commops.regex_group(expr, patterns[kind], n) }}
{%- endmacro %}

{#- A number of the value, 0 when that part is absent. -#}
{% macro _part_int(expr, kind, n) -%}
    cast(coalesce(nullif({{ commops._part(expr, kind, n) }}, ''), '0') as int)
{%- endmacro %}

{#- The value as YYYY-MM-DD HH:MM:SS.ffffff, its own clock time (fraction truncated to µs). -#}
{% macro _ts_canonical(expr) -%}
    {{ commops._part(expr, 'date', 1) }}
    || '-' || lpad({{ commops._part(expr, 'date', 2) }}, 2, '0')
    || '-' || lpad({{ commops._part(expr, 'date', 3) }}, 2, '0')
    || ' ' || lpad(coalesce(nullif({{ commops._part(expr, 'clock', 1) }}, ''), '0'), 2, '0')
    || ':' || coalesce(nullif({{ commops._part(expr, 'clock', 2) }}, ''), '00')
    || ':' || coalesce(nullif({{ commops._part(expr, 'clock', 4) }}, ''), '00')
    || '.' || substr({{ commops._part(expr, 'clock', 6) }} || '000000', 1, 6)
{%- endmacro %}

{#- True when the clock and offset of a pattern-matching value are in range. -#}
{% macro _ts_clock_valid(expr) -%}
    {{ commops._part_int(expr, 'clock', 1) }} <= 23
    and {{ commops._part_int(expr, 'clock', 2) }} <= 59
    and {{ commops._part_int(expr, 'clock', 4) }} <= 59
    and {{ commops._part_int(expr, 'zone', 3) }} <= 23
    and {{ commops._part_int(expr, 'zone', 4) }} <= 59
{%- endmacro %}

{#- Minutes east of UTC a value states, from its zone parts: `zone` empty (no offset: Shanghai,
    480), 'Z' (0) or the offset, whose `sign` ('-' or '+'), `hours` and `minutes` give it. -#}
{% macro _offset_minutes(zone, sign, hours, minutes) -%}
    case {{ zone }}
        when '' then 480
        when 'Z' then 0
        else (case {{ sign }} when '-' then -1 else 1 end) * ({{ hours }} * 60 + {{ minutes }})
    end
{%- endmacro %}

{#- Minutes east of UTC a value of the general pattern states. -#}
{% macro _ts_offset_minutes(expr) -%}
    {{ commops._offset_minutes(
        commops._part(expr, 'zone', 1),
        commops._part(expr, 'zone', 2),
        commops._part_int(expr, 'zone', 3),
        commops._part_int(expr, 'zone', 4)) }}
{%- endmacro %}

{#- A trimmed text value as a Shanghai-local timestamp; null when empty or not a real instant.
    Without an offset the value is Shanghai time; with one it is converted. Three tiers, one
    meaning: the usual form is cast as it is, the fixed-position ISO forms are cut with substr,
    and only the rest (one-digit parts, slashes, fractions, no seconds) is taken apart with
    regular expressions. -#}
{% macro parse_timestamp(expr) -%}
    case
        when {{ commops.regex_like(expr, commops.plain_timestamp_pattern()) }}
            then {{ commops.try_cast(expr, 'timestamp') }}
        when {{ commops.regex_like(expr, commops.fixed_timestamp_pattern()) }}
            then {{ commops.add_minutes(
                commops.try_cast("substr(" ~ expr ~ ", 1, 10) || ' ' || substr(" ~ expr ~ ", 12, 8)", 'timestamp'),
                '480 - ' ~ commops._fixed_offset_minutes(expr)) }}
        when {{ commops.regex_like(expr, commops.timestamp_pattern()) }} and {{ commops._ts_clock_valid(expr) }}
            then {{ commops.add_minutes(
                commops.try_cast(commops._ts_canonical(expr), 'timestamp'),
                '480 - ' ~ commops._ts_offset_minutes(expr)) }}
    end
{%- endmacro %}

{#- A trimmed text value as a date: the timestamp pattern without an offset; a time of day, if
    present, must be valid and is ignored. -#}
{% macro parse_date(expr) -%}
    case
        when {{ commops.regex_like(expr, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
            then {{ commops.try_cast(expr, 'date') }}
        when {{ commops.regex_like(expr, commops.timestamp_pattern()) }}
            and {{ commops._part(expr, 'zone', 1) }} = ''
            and {{ commops._ts_clock_valid(expr) }}
            then cast({{ commops.try_cast(commops._ts_canonical(expr), 'timestamp') }} as date)
    end
{%- endmacro %}
