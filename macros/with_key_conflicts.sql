{#- `duplicate_key_conflict` for a row still valid whose key is a conflicting key (null when
    not: the left join of conflicting_keys); otherwise the earlier reason. -#}
{% macro with_key_conflicts(reason, conflicting_key) -%}
    case
        when {{ reason }} is null and {{ conflicting_key }} is not null
            then 'duplicate_key_conflict'
        else {{ reason }}
    end
{%- endmacro %}
