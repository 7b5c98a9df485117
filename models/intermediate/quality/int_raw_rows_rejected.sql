{#- One row per rejected raw row (after exact duplicates collapse), from every entity: the
    rows of base_raw__<entity>_screened with a reject reason. -#}
with

{% for entity in commops.raw_entities() %}
    {{ entity }}_rejected as (
        select
            '{{ entity }}' as entity,
            -- (the events key is '' rather than null when missing; see base_raw__events_screened)
            nullif({{ commops.raw_entity_columns(entity)['key'] }}, '') as record_key,
            reject_reason as reason,
            raw_record
        from {{ ref('base_raw__' ~ entity ~ '_screened') }}
        where reject_reason is not null
    ),

{% endfor %}
final as (
    {%- for entity in commops.raw_entities() %}
        select * from {{ entity }}_rejected
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from final
