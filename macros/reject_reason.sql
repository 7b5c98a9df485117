{#- The first CONTRACT §3 reject reason that applies to a row, or null. `required` lists text
    columns; `timestamps`, `dates` and `amounts` list (text column, parsed column) pairs, the
    parsed one null when the text did not parse; `checks` lists (condition, reason) pairs
    tried last, in order. -#}
{% macro reject_reason(required=[], timestamps=[], dates=[], amounts=[], checks=[]) -%}
    case
        when {% for c in required %}{{ c }} is null{{ ' or ' if not loop.last }}{% endfor %}
            then 'missing_required'
        {%- for reason, pairs in [('unparseable_timestamp', timestamps), ('unparseable_date', dates), ('unparseable_amount', amounts)] if pairs %}
        when {% for text, parsed in pairs %}({{ text }} is not null and {{ parsed }} is null){{ ' or ' if not loop.last }}{% endfor %}
            then '{{ reason }}'
        {%- endfor %}
        {%- for condition, reason in checks %}
        when {{ condition }}
            then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}

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

{#- `duplicate_key_conflict` for a row still valid whose key is a conflicting key (null when
    not: the left join of conflicting_keys); otherwise the earlier reason. -#}
{% macro with_key_conflicts(reason, conflicting_key) -%}
    case
        when {{ reason }} is null and {{ conflicting_key }} is not null
            then 'duplicate_key_conflict'
        else {{ reason }}
    end
{%- endmacro %}

{#- The raw record of a rejected row as JSON text (contract names, untrimmed values). PII
    columns (phone, device_id) hold their salted hash instead: rejected_rows is a mart, and no
    phone or device id leaves staging. -#}
{% macro rejected_raw_record(entity, reason) -%}
    {%- set pairs = [] -%}
    {%- for name, required in commops.raw_entity_columns(entity)['columns'] -%}
        {%- if name in ('phone', 'device_id') -%}
            {%- do pairs.append((name, "coalesce(" ~ commops.hash_pii("nullif(raw_" ~ name ~ ", '')") ~ ", '')")) -%}
        {%- else -%}
            {%- do pairs.append((name, 'raw_' ~ name)) -%}
        {%- endif -%}
    {%- endfor -%}
    case when {{ reason }} is not null then {{ commops.json_text(pairs) }} end
{%- endmacro %}

{#- raw_<name> (untrimmed) and <name>_text (trimmed, empty as null) for every raw column. -#}
{% macro raw_and_trimmed(entity, relation_alias) -%}
    {%- for name, required in commops.raw_entity_columns(entity)['columns'] %}
        {{ relation_alias }}.{{ name }} as raw_{{ name }},
        {{ commops.trimmed_text(relation_alias ~ '.' ~ name) }} as {{ name }}_text,
    {%- endfor %}
{%- endmacro %}
