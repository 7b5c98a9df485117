{#- The columns of one raw export (CONTRACT §2), in export order, each as (name, required), and
    its key: read from var `raw_exports` in dbt_project.yml, the one place that lists them. -#}
{% macro raw_entity_columns(entity) %}
    {%- set exports = var('raw_exports') -%}
    {%- if entity not in exports -%}
        {{ exceptions.raise_compiler_error("unknown raw entity '" ~ entity ~ "'") }}
    {%- endif -%}
    {%- set spec = exports[entity] -%}
    {%- set columns = [] -%}
    {%- for name in spec['columns'] -%}
        {%- do columns.append((name, name in spec['required'])) -%}
    {%- endfor -%}
    {{ return({'key': spec['key'], 'columns': columns}) }}
{% endmacro %}
