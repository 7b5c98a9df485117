{#- The keys of a screened CTE that more than one still-valid row has (CONTRACT §3 step 3:
    a key conflict, no version wins). Only rows marked key_shared (see collapsed_raw) can
    share a key, so only they are grouped. -#}
{% macro conflicting_keys(relation, reason, key) -%}
    select {{ key }} as conflicting_key
    from {{ relation }}
    where key_shared and {{ reason }} is null
    group by {{ key }}
    having count(*) > 1
{%- endmacro %}
