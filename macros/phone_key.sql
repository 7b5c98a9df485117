{#- A phone reduced to what identifies it: digits only, a leading country code 86 dropped;
    null when nothing is left. -#}
{% macro phone_key(expr) -%}
    nullif(
        case
            when {{ commops.digits_only(expr) }} like '86%' then substr({{ commops.digits_only(expr) }}, 3)
            else {{ commops.digits_only(expr) }}
        end,
        ''
    )
{%- endmacro %}
