{#- Today in Shanghai, when the build runs. -#}
{% macro build_date() %}
    {{- return(adapter.dispatch('build_date', 'commops')()) -}}
{% endmacro %}

{% macro default__build_date() -%}
    cast(timezone('Asia/Shanghai', now()) as date)
{%- endmacro %}

{% macro spark__build_date() -%}
    to_date(from_utc_timestamp(current_timestamp(), 'Asia/Shanghai'))
{%- endmacro %}
