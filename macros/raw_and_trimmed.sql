{#- raw_<name> (untrimmed) and <name>_text (trimmed, empty as null) for every raw column. -#}
{% macro raw_and_trimmed(entity, relation_alias) -%}
    {%- for name, required in commops.raw_entity_columns(entity)['columns'] %}
        {{ relation_alias }}.{{ name }} as raw_{{ name }},
        {{ commops.trimmed_text(relation_alias ~ '.' ~ name) }} as {{ name }}_text,
    {%- endfor %}
{%- endmacro %}
