{#- `ts` moved by `minutes` (an integer expression), keeping microseconds. -#}
{% macro add_minutes(ts, minutes) %}
    {{- return(adapter.dispatch('add_minutes', 'commops')(ts, minutes)) -}}
{% endmacro %}

{% macro default__add_minutes(ts, minutes) -%}
    ({{ ts }} + cast({{ minutes }} as bigint) * interval 1 minute)
{%- endmacro %}

{% macro spark__add_minutes(ts, minutes) -%}
    timestampadd(minute, cast({{ minutes }} as int), {{ ts }})
{%- endmacro %}
