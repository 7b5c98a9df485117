{#- is_suspect and suspect_reasons of a row, from a CTE `<flags>_reasons` built by
    suspect_reasons(). -#}
{% macro suspect_reasons(flags, key) -%}
    select
        {{ key }},
        {{ commops.sorted_list_agg('reason') }} as suspect_reasons
    from {{ flags }}
    group by {{ key }}
{%- endmacro %}
