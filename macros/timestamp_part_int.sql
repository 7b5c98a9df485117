{#- A number of a value matching timestamp_pattern (see timestamp_part), 0 when that part is
    absent. -#}
{% macro timestamp_part_int(expr, kind, n) -%}
    cast(coalesce(nullif({{ commops.timestamp_part(expr, kind, n) }}, ''), '0') as int)
{%- endmacro %}
