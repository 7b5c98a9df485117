{#- The date `months` (an integer expression, may be negative) calendar months after
    `date_expr`, as a date (on a first of month, the first of that month). -#}
{% macro months_after(date_expr, months) -%}
    cast({{ dbt.dateadd('month', months, date_expr) }} as date)
{%- endmacro %}
