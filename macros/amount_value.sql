{#- The number of an amount's text as a double, thousands separators dropped (null when not a
    number). Unguarded: parse_amount checks is_amount first. -#}
{% macro amount_value(expr) -%}
    {{ commops.try_cast('replace(' ~ expr ~ ", ',', '')", 'double') }}
{%- endmacro %}
