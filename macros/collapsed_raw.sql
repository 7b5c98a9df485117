{#- One raw export with exact duplicates collapsed (CONTRACT §3 step 1): one row per distinct
    raw text across every named column (a null equals an empty string), with how many raw
    rows it stood for. `where`, if given, keeps only the raw rows it holds for before they
    collapse (a condition on the contract-named text columns, null read as empty): an
    incremental model reads part of an export this way. Exact duplicates share every column,
    so a condition on the columns keeps all copies of a row or none. -#}
{% macro collapsed_raw(entity, where=none) %}
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
{%- if where %}

kept as (
    select * from as_text
    where {{ where }}
),
{%- endif %}

collapsed as (
    select
    {%- for name in names %}
        {{ name }},
    {%- endfor %}
        count(*) as raw_copies
    from {{ 'kept' if where else 'as_text' }}
    group by
    {%- for name in names %}
        {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
)

select * from collapsed
{% endmacro %}
