{#- The median of a numeric expression as a double, nulls ignored: for an even count, the mean
    of the two middle values (CONTRACT §5 median_days_to_fund). -#}
{% macro median(expr) %}
    {{- return(adapter.dispatch('median', 'commops')(expr)) -}}
{% endmacro %}

{% macro default__median(expr) -%}
    quantile_cont(cast({{ expr }} as double), 0.5)
{%- endmacro %}

{% macro spark__median(expr) -%}
    percentile(cast({{ expr }} as double), 0.5)
{%- endmacro %}
