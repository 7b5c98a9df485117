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

{#- `duplicate_key_conflict` for every row still valid whose key another valid row shares
    (CONTRACT §3 step 3: no version wins); otherwise the earlier reason. -#}
{% macro with_key_conflicts(reason, key) -%}
    case
        when {{ reason }} is null
            and count(case when {{ reason }} is null then 1 end) over (partition by {{ key }}) > 1
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
