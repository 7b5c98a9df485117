{#- One row per month and content item (a non-empty content_id) with at least one active event
    (CONTRACT §5: of an active type, not flagged, dated on or before as_of_date) of a member who
    counts on it: the content members engaged with, which mart_content_monthly counts as
    content_items (CONTRACT §7), not the content the spend lines pay for. -#}
with

events as (
    select * from {{ ref('stg_raw__events') }}
),

event_flags as (
    select * from {{ ref('int_event_flags') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

content_events as (
    select
        {{ commops.month_of('events.occurred_date') }} as month,
        events.content_id
    from events
    inner join members
        on events.member_id = members.member_id
    left join event_flags
        on events.event_id = event_flags.event_id
    where
        events.event_type in {{ commops.in_list(var('active_event_types')) }}
        and events.content_id is not null
        and events.occurred_date <= members.as_of_date
        and event_flags.event_id is null
),

final as (
    select
        month,
        content_id,
        count(*) as active_events
    from content_events
    group by month, content_id
)

select * from final
