{#- One row per member who counts and day with at least one active event (CONTRACT §5): an
    event of an active type, not flagged, dated on or before as_of_date.

    From the member-days of int_event_activity_daily (incremental, member-agnostic): a day with
    no flagged active event keeps its count and first timestamp as they are; the few days with
    one are recounted from their unflagged events. Members who don't count (and unknown ones)
    drop out in the join. Written in member order (commops.physical_order): its readers join,
    group and window it by member. -#}
with

event_days as (
    select * from {{ ref('int_event_activity_daily') }}
),

-- Read twice, for the few flagged days: scanned twice rather than copied (inline_cte).
events as {{ commops.inline_cte() }} (
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
        event_id,
        member_id,
        occurred_date,
        occurred_at
    from events
    where event_type in {{ commops.in_list(var('active_event_types')) }}
),

flagged_days as (
    select distinct
        active_events.member_id,
        active_events.occurred_date
    from active_events
    inner join event_flags
        on active_events.event_id = event_flags.event_id
    inner join members
        on active_events.member_id = members.member_id
    where active_events.occurred_date <= members.as_of_date
),

unflagged_days as (
    select
        event_days.member_id,
        event_days.activity_date,
        event_days.active_events,
        event_days.first_active_at
    from event_days
    inner join members
        on event_days.member_id = members.member_id
    left join flagged_days
        on
            event_days.member_id = flagged_days.member_id
            and event_days.activity_date = flagged_days.occurred_date
    where
        event_days.active_events > 0
        and event_days.activity_date <= members.as_of_date
        and flagged_days.member_id is null
),

recounted_days as (
    select
        active_events.member_id,
        active_events.occurred_date as activity_date,
        count(*) as active_events,
        min(active_events.occurred_at) as first_active_at
    from active_events
    inner join flagged_days
        on
            active_events.member_id = flagged_days.member_id
            and active_events.occurred_date = flagged_days.occurred_date
    left join event_flags
        on active_events.event_id = event_flags.event_id
    where event_flags.event_id is null
    group by active_events.member_id, active_events.occurred_date
),

final as (
    select
        member_id,
        activity_date,
        active_events,
        first_active_at
    from unflagged_days
    union all
    select
        member_id,
        activity_date,
        active_events,
        first_active_at
    from recounted_days
)

select * from final
{{ commops.physical_order(['member_id', 'activity_date']) }}
