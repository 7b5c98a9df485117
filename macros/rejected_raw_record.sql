{#- The raw record of a rejected row as JSON text (CONTRACT §3): its named columns under their
    contract names, untrimmed; for a malformed CSV record {"line": N, "text": "…"} instead (the
    line it starts on and its text without the final line break). PII columns (phone,
    device_id) hold their salted hash instead: rejected_rows is a mart, and no phone or device
    id leaves staging. -#}
{% macro rejected_raw_record(entity, reason) -%}
    {%- set pairs = [] -%}
    {%- for name, required in commops.raw_entity_columns(entity)['columns'] -%}
        {%- if name in ('phone', 'device_id') -%}
            {%- do pairs.append((name, "coalesce(" ~ commops.hash_pii("nullif(raw_" ~ name ~ ", '')") ~ ", '')")) -%}
        {%- else -%}
            {%- do pairs.append((name, 'raw_' ~ name)) -%}
        {%- endif -%}
    {%- endfor -%}
    case
        when malformed_line is not null
            then {{ commops.json_text([('line', 'malformed_line'), ('text', 'malformed_text')]) }}
        when {{ reason }} is not null
            then {{ commops.json_text(pairs) }}
    end
{%- endmacro %}
