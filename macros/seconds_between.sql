{#- Seconds from `start_ts` to `end_ts` as a double, to the microsecond (negative when end_ts is
    earlier; null when either is null): the difference in microseconds, which a datediff
    counts exactly because a microsecond is the timestamps' resolution, never minute or hour
    boundaries. Spark: timestampdiff, which takes TIMESTAMP_NTZ as well (dbt-spark's datediff
    knows no microseconds). -#}
{% macro seconds_between(start_ts, end_ts) %}
    {{- return(adapter.dispatch('seconds_between', 'commops')(start_ts, end_ts)) -}}
{% endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    cast({{ dbt.datediff(start_ts, end_ts, 'microsecond') }} as double) / 1000000
{%- endmacro %}

{% macro spark__seconds_between(start_ts, end_ts) -%}
    cast(timestampdiff(microsecond, {{ start_ts }}, {{ end_ts }}) as double) / 1000000
{%- endmacro %}
