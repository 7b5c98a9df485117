{#- The columns of one raw export (CONTRACT §2), in export order, each as (name, required), its
    key, the raw column rows of one key share (key_group: the key itself, or for ad_stats,
    whose key is made of two columns, campaign_id) and whether it is optional (CONTRACT §1):
    read from var `raw_exports` in dbt_project.yml, the one place that lists them. -#}
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
    {{ return({
        'key': spec['key'],
        'key_group': spec.get('key_group', spec['key']),
        'columns': columns,
        'optional': spec.get('optional', false),
    }) }}
{% endmacro %}
