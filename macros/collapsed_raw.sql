{#- One raw export with exact duplicates collapsed (CONTRACT §3 step 1): one row per distinct
    raw text across every named column (a null equals an empty string), with how many raw
    rows it stood for (raw_copies) and whether another raw row has the same trimmed key
    (key_shared). Only rows with a shared key can be exact duplicates of each other or
    conflict on their key, so only those are grouped on every column: a row whose key is its
    own stands for itself (raw_copies 1). On tens of millions of rows that is a count of one
    key column, a join with the few shared keys and a group-by of their rows, instead of a
    group-by of every row on every column. Each export counts its own keys: no export waits
    for another.

    `where`, if given, keeps only the raw rows it holds for (a condition on the contract-named
    text columns, null read as empty), and all of them are grouped and marked key_shared: an
    incremental model reads a small part of an export this way, and judges its key conflicts
    among the rows it reads. Exact duplicates share every column, so a condition on the
    columns keeps all copies of a row or none.

    malformed_line and malformed_text (see raw_text_select) pass through and are grouped on
    too: a malformed record is never collapsed, as no two have the same line. -#}
{% macro collapsed_raw(entity, where=none) %}
    {%- set spec = commops.raw_entity_columns(entity) -%}
    {%- set names = [] -%}
    {%- for name, required in spec['columns'] -%}
        {%- do names.append(name) -%}
    {%- endfor %}
    {%- set raw_sql = commops.raw_text_select(entity) %}
{%- if where %}
with

source as (
    {{ raw_sql }}
),

as_text as (
    select
    {%- for name in names %}
        coalesce({{ name }}, '') as {{ name }},
    {%- endfor %}
        malformed_line,
        malformed_text
    from source
),

kept as (
    select * from as_text
    where {{ where }}
),

collapsed as (
    select
    {%- for name in names %}
        {{ name }},
    {%- endfor %}
        malformed_line,
        malformed_text,
        count(*) as raw_copies,
        true as key_shared
    from kept
    group by
    {%- for name in names %}
        {{ name }},
    {%- endfor %}
        malformed_line,
        malformed_text
)
{%- else %}
{#- Each branch reads the export itself, and no CTE is read twice: the base views are views,
    and DuckDB does not keep a `not materialized` hint in a stored view, so a CTE read by
    both branches would be written out in full (48 M rows of events) on every read. -#}
with

-- The keys more than one raw row has: few, so DuckDB keeps them (a CTE read twice) and
-- each branch joins them.
shared_keys as (
    select key_hash as shared_key_hash
    from ({{ _raw_key_counts(entity) | indent(8) }}) as key_counts
    where raw_rows > 1
),

-- A row whose key no other raw row has stands for itself.
single_rows as (
    select
    {%- for name in names %}
        coalesce(source.{{ name }}, '') as {{ name }},
    {%- endfor %}
        source.malformed_line,
        source.malformed_text,
        1 as raw_copies,
        false as key_shared
    from ({{ raw_sql | indent(8) }}) as source
    left join shared_keys
        on {{ _key_hash('source.' ~ spec['key_group']) }} = shared_keys.shared_key_hash
    where shared_keys.shared_key_hash is null
),

-- Rows with a shared key collapse with their exact copies.
shared_rows as (
    select
    {%- for name in names %}
        coalesce(source.{{ name }}, '') as {{ name }},
    {%- endfor %}
        source.malformed_line,
        source.malformed_text,
        count(*) as raw_copies,
        true as key_shared
    from ({{ raw_sql | indent(8) }}) as source
    inner join shared_keys
        on {{ _key_hash('source.' ~ spec['key_group']) }} = shared_keys.shared_key_hash
    group by
    {%- for name in names %}
        coalesce(source.{{ name }}, ''),
    {%- endfor %}
        source.malformed_line,
        source.malformed_text
),

collapsed as (
    select * from single_rows
    union all
    select * from shared_rows
)
{%- endif %}

select * from collapsed
{% endmacro %}

{#- The hash a raw export's key is matched by (of the text trimmed as CONTRACT §2 says, a
    missing key read as ''): the shared keys and the rows joined to them must agree on it. Two
    keys whose hashes collide are merely both treated as shared, then compared exactly. -#}
{% macro _key_hash(column) -%}
    {{ commops.row_fingerprint([commops.trimmed("coalesce(" ~ column ~ ", '')")]) }}
{%- endmacro %}

{#- `select key_hash, raw_rows`: how many raw rows of one export have each key hash. -#}
{% macro _raw_key_counts(entity) -%}
    {%- set key = commops.raw_entity_columns(entity)['key_group'] -%}
    select
        {{ _key_hash(key) }} as key_hash,
        count(*) as raw_rows
    from ({{ commops.raw_text_select(entity) | indent(8) }}) as raw_rows
    group by {{ _key_hash(key) }}
{%- endmacro %}
