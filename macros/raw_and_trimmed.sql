{#- raw_<name> (untrimmed) and <name>_text (trimmed as CONTRACT §2 says, empty as null) for
    every raw column, then malformed_line and malformed_text (set on a malformed CSV record:
    reject_reason and rejected_raw_record read them). -#}
{% macro raw_and_trimmed(entity, relation_alias) -%}
    {%- for name, required in commops.raw_entity_columns(entity)['columns'] %}
        {{ relation_alias }}.{{ name }} as raw_{{ name }},
        {{ commops.trimmed_text(relation_alias ~ '.' ~ name) }} as {{ name }}_text,
    {%- endfor %}
        {{ relation_alias }}.malformed_line,
        {{ relation_alias }}.malformed_text,
{%- endmacro %}
