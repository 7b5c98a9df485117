{#- A trimmed text value as a Shanghai-local timestamp; null when empty, not a real instant, or
    when its Shanghai date is outside the years 1900–2100 (CONTRACT §2). Without an offset the
    value is Shanghai time; with one it is converted. Three tiers, one meaning: the usual form
    is cast as it is, the fixed-position ISO forms are cut with substr, and only the rest
    (one-digit parts, slashes, fractions, no seconds) is taken apart with regular expressions.
    The years: an offset moves a value by less than two days, so a text year 1901–2099 is in
    range whatever its offset, one outside 1899–2101 never is (and is never cast, which could
    overflow an engine's timestamp), and only the four years between are checked on the
    converted value. -#}
{% macro parse_timestamp(expr) -%}
    {%- set parsed = commops._parse_timestamp_any_year(expr) -%}
    {%- set year = 'substr(' ~ expr ~ ', 1, 4)' -%}
    case
        when {{ year }} between '1901' and '2099'
            then {{ parsed }}
        when {{ year }} in ('1899', '1900', '2100', '2101')
            and {{ parsed }} >= cast('1900-01-01 00:00:00' as timestamp)
            and {{ parsed }} < cast('2101-01-01 00:00:00' as timestamp)
            then {{ parsed }}
    end
{%- endmacro %}

{#- The timestamp of a value matching timestamp_pattern, Shanghai local, whatever its year. -#}
{% macro _parse_timestamp_any_year(expr) -%}
    case
        when {{ commops.regex_like(expr, commops._plain_timestamp_pattern()) }}
            then {{ commops.try_cast(expr, 'timestamp') }}
        when {{ commops.regex_like(expr, commops._fixed_timestamp_pattern()) }}
            then {{ commops.add_minutes(
                commops.try_cast("substr(" ~ expr ~ ", 1, 10) || ' ' || substr(" ~ expr ~ ", 12, 8)", 'timestamp'),
                '480 - ' ~ commops._fixed_offset_minutes(expr)) }}
        when {{ commops.regex_like(expr, commops.timestamp_pattern()) }} and {{ commops.timestamp_clock_valid(expr) }}
            then {{ commops.add_minutes(
                commops.try_cast(commops.timestamp_canonical(expr), 'timestamp'),
                '480 - ' ~ commops._ts_offset_minutes(expr)) }}
    end
{%- endmacro %}

{#- YYYY-MM-DD HH:MM:SS with a valid clock and no offset: the usual form. -#}
{% macro _plain_timestamp_pattern() -%}
    {{- return('^[0-9]{4}-[0-9]{2}-[0-9]{2} ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$') -}}
{%- endmacro %}

{#- YYYY-MM-DD, a space or T, HH:MM:SS with a valid clock, and optionally Z or a valid ±HH:MM
    offset: every part at a fixed position, so substr reads it (no regular expression groups).
    The ISO forms exports most often carry besides the usual one. -#}
{% macro _fixed_timestamp_pattern() -%}
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

{#- Minutes east of UTC a value of the general pattern states. -#}
{% macro _ts_offset_minutes(expr) -%}
    {{ commops._offset_minutes(
        commops.timestamp_part(expr, 'zone', 1),
        commops.timestamp_part(expr, 'zone', 2),
        commops.timestamp_part_int(expr, 'zone', 3),
        commops.timestamp_part_int(expr, 'zone', 4)) }}
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
