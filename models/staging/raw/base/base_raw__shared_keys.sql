{#- The keys that more than one raw row of an export has: one row per export and 64-bit hash of
    the trimmed key (empty when missing). Only rows with such a key can be exact duplicates of
    each other or conflict on their key (CONTRACT §3 steps 1 and 3), so the base_raw__<entity>
    views group only those rows on every column, and a screened model checks key conflicts
    among them alone. A table, computed once per run: every reader of a base view joins it
    instead of counting the keys of tens of millions of raw rows again. The events' keys come
    from base_raw__event_shared_keys, which counts only the new raw rows on a daily run. Two
    keys whose hashes collide are merely both treated as shared and then compared exactly. -#}
{{ config(materialized='table') }}

with

{% for entity in commops.raw_entities() if entity != 'events' %}
    {{ entity }}_keys as (
        select
            '{{ entity }}' as entity,
            key_hash,
            raw_rows
        from ({{ commops.raw_key_counts(entity) | indent(12) }}) as key_counts
        where raw_rows > 1
    ),

{% endfor %}
events_keys as (
    select
        'events' as entity,
        key_hash,
        raw_rows
    from {{ ref('base_raw__event_shared_keys') }}
),

final as (
    {%- for entity in commops.raw_entities() %}
        select * from {{ entity }}_keys
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from final
