{#- `ts` moved by `seconds` (an integer expression), keeping microseconds. DuckDB (and other
    adapters): dbt.dateadd. Spark: timestampadd, because dbt.dateadd there goes through
    whole seconds since the epoch (the microseconds are lost) and to_timestamp(bigint), which
    fails under spark.sql.timestampType TIMESTAMP_NTZ (see days_after). -#}
{% macro add_seconds(ts, seconds) %}
    {{- return(adapter.dispatch('add_seconds', 'commops')(ts, seconds)) -}}
{% endmacro %}

{% macro default__add_seconds(ts, seconds) -%}
    {{ dbt.dateadd('second', seconds, ts) | trim }}
{%- endmacro %}

{% macro spark__add_seconds(ts, seconds) -%}
    timestampadd(second, cast({{ seconds }} as int), {{ ts }})
{%- endmacro %}
