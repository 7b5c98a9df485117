{#- Use a folder's custom schema name as it is (staging, intermediate, marts, reference), so BI
    tools find the marts in `marts` whatever the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
