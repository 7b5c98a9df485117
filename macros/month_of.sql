{#- The first day of the month of a date or timestamp, as a date. -#}
{% macro month_of(expr) -%}
    cast({{ dbt.date_trunc('month', 'cast(' ~ expr ~ ' as date)') }} as date)
{%- endmacro %}
