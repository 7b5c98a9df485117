{#- A trimmed text value as a date: the timestamp pattern without an offset, in the years
    1900–2100 (CONTRACT §2); a time of day, if present, must be valid and is ignored. -#}
{% macro parse_date(expr) -%}
    case
        when not ({{ 'substr(' ~ expr ~ ', 1, 4)' }} between '1900' and '2100')
            then null
        when {{ commops.regex_like(expr, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
            then {{ commops.try_cast(expr, 'date') }}
        when {{ commops.regex_like(expr, commops.timestamp_pattern()) }}
            and {{ commops.timestamp_part(expr, 'zone', 1) }} = ''
            and {{ commops.timestamp_clock_valid(expr) }}
            then cast({{ commops.try_cast(commops.timestamp_canonical(expr), 'timestamp') }} as date)
    end
{%- endmacro %}
