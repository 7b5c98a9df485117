{#- A `select` of one row per `key` with its suspect_reasons: the distinct reasons of `flags`
    (a CTE of key, reason rows), sorted and joined by `,`. A key without flags has no row, so
    the model reads is_suspect as "has a row here". -#}
{% macro suspect_reasons(flags, key) -%}
    select
        {{ key }},
        {{ commops.sorted_list_agg('reason') }} as suspect_reasons
    from {{ flags }}
    group by {{ key }}
{%- endmacro %}
