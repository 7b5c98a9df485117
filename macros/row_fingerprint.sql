{#- A 64-bit hash of a row's text columns (each column hashed on its own, so ('ab', 'c') and
    ('a', 'bc') differ): how an incremental run recognises a raw row it has already screened.
    Engine-specific values, compared only with values the same engine wrote. -#}
{% macro row_fingerprint(columns) %}
    {{- return(adapter.dispatch('row_fingerprint', 'commops')(columns)) -}}
{% endmacro %}

{% macro default__row_fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_fingerprint(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{#- The hash a raw export's key is matched by when collapsing and checking key conflicts
    (base_raw__shared_keys and collapsed_raw must agree on it): of the trimmed text, a missing
    key read as ''. -#}
{% macro key_hash(column) -%}
    {{ commops.row_fingerprint(["trim(coalesce(" ~ column ~ ", ''))"]) }}
{%- endmacro %}

{#- `select key_hash, raw_rows`: how many raw rows of one export have each key hash (key_hash
    above), over the rows `where` holds for if given (a condition on the contract-named
    columns). What base_raw__shared_keys and base_raw__event_shared_keys count. -#}
{% macro raw_key_counts(entity, where=none) -%}
    {%- set key = commops.raw_entity_columns(entity)['key'] -%}
    select
        {{ commops.key_hash(key) }} as key_hash,
        count(*) as raw_rows
    from ({{ commops.raw_text_select(entity) | indent(8) }}) as raw_rows
    {%- if where %}
    where {{ where }}
    {%- endif %}
    group by {{ commops.key_hash(key) }}
{%- endmacro %}
