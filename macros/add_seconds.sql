{#- `ts` moved by `seconds` (an integer expression), keeping microseconds (dbt.dateadd on Spark
    drops them). -#}
{% macro add_seconds(ts, seconds) %}
    {{- return(adapter.dispatch('add_seconds', 'commops')(ts, seconds)) -}}
{% endmacro %}

{% macro default__add_seconds(ts, seconds) -%}
    ({{ ts }} + cast({{ seconds }} as bigint) * interval 1 second)
{%- endmacro %}

{% macro spark__add_seconds(ts, seconds) -%}
    timestampadd(second, cast({{ seconds }} as int), {{ ts }})
{%- endmacro %}
