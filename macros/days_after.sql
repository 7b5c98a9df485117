{#- The date `days` (an integer expression, may be negative) after `date_expr`, as a date. -#}
{% macro days_after(date_expr, days) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}
