{#- A date var as a SQL date literal, or `fallback` (SQL) when the var is empty. -#}
{% macro date_var(name, fallback) -%}
    {%- set value = var(name) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ fallback }}
    {%- else -%}
        cast('{{ value | string | trim }}' as date)
    {%- endif -%}
{%- endmacro %}
