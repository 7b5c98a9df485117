{#- A value matching timestamp_pattern as YYYY-MM-DD HH:MM:SS.ffffff, its own clock time
    (fraction truncated to µs, zone ignored). -#}
{% macro timestamp_canonical(expr) -%}
    {{ commops.timestamp_part(expr, 'date', 1) }}
    || '-' || lpad({{ commops.timestamp_part(expr, 'date', 2) }}, 2, '0')
    || '-' || lpad({{ commops.timestamp_part(expr, 'date', 3) }}, 2, '0')
    || ' ' || lpad(coalesce(nullif({{ commops.timestamp_part(expr, 'clock', 1) }}, ''), '0'), 2, '0')
    || ':' || coalesce(nullif({{ commops.timestamp_part(expr, 'clock', 2) }}, ''), '00')
    || ':' || coalesce(nullif({{ commops.timestamp_part(expr, 'clock', 4) }}, ''), '00')
    || '.' || substr({{ commops.timestamp_part(expr, 'clock', 6) }} || '000000', 1, 6)
{%- endmacro %}
