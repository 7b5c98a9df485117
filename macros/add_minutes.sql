{#- `ts` moved by `minutes` (an integer expression), keeping microseconds. DuckDB (and other
    adapters): dbt.dateadd. Spark: timestampadd, because dbt.dateadd there goes through
    whole seconds since the epoch (the microseconds are lost) and to_timestamp(bigint), which
    fails under spark.sql.timestampType TIMESTAMP_NTZ (see days_after). -#}
{% macro add_minutes(ts, minutes) %}
    {{- return(adapter.dispatch('add_minutes', 'commops')(ts, minutes)) -}}
{% endmacro %}

{% macro default__add_minutes(ts, minutes) -%}
    {{ dbt.dateadd('minute', minutes, ts) | trim }}
{%- endmacro %}

{% macro spark__add_minutes(ts, minutes) -%}
    timestampadd(minute, cast({{ minutes }} as int), {{ ts }})
{%- endmacro %}
