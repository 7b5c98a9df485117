{#- One raw export with exact duplicates collapsed (CONTRACT §3 step 1): one row per distinct
    raw text across every named column (a null equals an empty string), with how many raw
    rows it stood for. -#}
{% macro collapsed_raw(entity) %}
    {%- set names = [] -%}
    {%- for name, required in commops.raw_entity_columns(entity)['columns'] -%}
        {%- do names.append(name) -%}
    {%- endfor %}
with

source as (
    {{ commops.raw_text_select(entity) }}
),

as_text as (
    select
    {%- for name in names %}
        coalesce({{ name }}, '') as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    from source
),

collapsed as (
    select
    {%- for name in names %}
        {{ name }},
    {%- endfor %}
        count(*) as raw_copies
    from as_text
    group by
    {%- for name in names %}
        {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
)

select * from collapsed
{% endmacro %}
