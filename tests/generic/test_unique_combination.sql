{#- The grain test: no two rows share the values of `combination_of_columns`, and none of
    them is null. `raw_export` (an entity of var raw_exports) instead names every column of that
    raw export, so a base model's grain (its raw text) is not listed again, and with them
    malformed_line, which tells malformed CSV records apart (null on every other row, so it is
    in the combination but not in the null check). -#}
{% test unique_combination(model, combination_of_columns=none, raw_export=none) %}
{%- set nullable_columns = [] -%}
{%- if raw_export is not none -%}
    {%- set combination_of_columns = [] -%}
    {%- for name, required in commops.raw_entity_columns(raw_export)['columns'] -%}
        {%- do combination_of_columns.append(name) -%}
    {%- endfor -%}
    {%- do nullable_columns.append('malformed_line') -%}
{%- endif %}

with

-- Read twice (duplicates, nulls): scanned twice rather than copied, which on a member-day
-- table of tens of millions of rows costs several times more (inline_cte).
keyed as {{ commops.inline_cte() }} (
    select
        {% for column in combination_of_columns + nullable_columns -%}
        {{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ model }}
),

duplicated as (
    select
        {% for column in combination_of_columns + nullable_columns -%}
        {{ column }},
        {% endfor -%}
        count(*) as rows_with_key
    from keyed
    group by
        {% for column in combination_of_columns + nullable_columns -%}
        {{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    having count(*) > 1
),

null_keys as (
    select
        {% for column in combination_of_columns + nullable_columns -%}
        {{ column }},
        {% endfor -%}
        1 as rows_with_key
    from keyed
    where
        {% for column in combination_of_columns -%}
        {{ column }} is null{{ ' or ' if not loop.last }}
        {% endfor %}
)

select * from duplicated
union all
select * from null_keys

{% endtest %}
