{#- The date `months` (an integer expression, may be negative) calendar months after
    `date_expr`, as a date (on a first of month, the first of that month; a day past the end
    of the target month becomes its last day). Spark: add_months (see days_after). -#}
{% macro months_after(date_expr, months) %}
    {{- return(adapter.dispatch('months_after', 'commops')(date_expr, months)) -}}
{% endmacro %}

{% macro default__months_after(date_expr, months) -%}
    cast({{ dbt.dateadd('month', months, date_expr) }} as date)
{%- endmacro %}

{% macro spark__months_after(date_expr, months) -%}
    add_months(cast({{ date_expr }} as date), cast({{ months }} as int))
{%- endmacro %}
