{#- A view: the staged rows of base_raw__events_screened (an incremental table), so the tens of
    millions of events are stored once and a staged row can never lag its screened one. -#}
{{ config(materialized='view') }}

with

screened as (
    select * from {{ ref('base_raw__events_screened') }}
),

final as (
    select
        event_id,
        member_id,
        occurred_at,
        occurred_date,
        event_type,
        community_id,
        content_id,
        has_unknown_code
    from screened
    where reject_reason is null
)

select * from final
