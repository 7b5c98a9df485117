{#- The date `days` (an integer expression, may be negative) after `date_expr`, as a date.
    Spark: date_add, because dbt.dateadd there goes through to_timestamp(bigint), which fails
    under spark.sql.timestampType TIMESTAMP_NTZ and raises on a null date. -#}
{% macro days_after(date_expr, days) %}
    {{- return(adapter.dispatch('days_after', 'commops')(date_expr, days)) -}}
{% endmacro %}

{% macro default__days_after(date_expr, days) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro spark__days_after(date_expr, days) -%}
    date_add(cast({{ date_expr }} as date), cast({{ days }} as int))
{%- endmacro %}
