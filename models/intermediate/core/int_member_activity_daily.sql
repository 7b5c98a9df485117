{#- One row per member who counts and day with at least one active event (CONTRACT §5): an
    event of an active type, not flagged, dated on or before as_of_date. -#}
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

active_events as (
    select
        events.member_id,
        events.occurred_date,
        events.occurred_at
    from events
    inner join members
        on events.member_id = members.member_id
    left join event_flags
        on events.event_id = event_flags.event_id
    where
        events.event_type in {{ commops.in_list(var('active_event_types')) }}
        and events.occurred_date <= members.as_of_date
        and event_flags.event_id is null
),

final as (
    select
        member_id,
        occurred_date as activity_date,
        count(*) as active_events,
        min(occurred_at) as first_active_at
    from active_events
    group by member_id, occurred_date
)

select * from final
