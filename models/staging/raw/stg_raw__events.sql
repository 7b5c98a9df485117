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
