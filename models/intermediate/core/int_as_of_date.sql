{#- The date that closes every period (CONTRACT §4): the var as_of_date, or else the latest
    business date, not after the build date, of an active event of a member who counts; with
    none, the build date. -#}
with

members as (
    select * from {{ ref('dim_members') }}
),

events as (
    select * from {{ ref('stg_raw__events') }}
),

event_flags as (
    select * from {{ ref('int_event_flags') }}
),

active_event_dates as (
    select events.occurred_date
    from events
    inner join members
        on events.member_id = members.member_id
    where
        events.event_type in {{ commops.in_list(var('active_event_types')) }}
        and events.occurred_date <= {{ commops.build_date() }}
        and ({{ var('include_suspect_members') }} or not members.is_suspect)
        and not exists (
            select 1 from event_flags
            where event_flags.event_id = events.event_id
        )
),

latest as (
    select max(occurred_date) as latest_date
    from active_event_dates
),

final as (
    select
        {{ commops.date_var('as_of_date', 'coalesce(latest.latest_date, ' ~ commops.build_date() ~ ')') }}
            as as_of_date
    from latest
)

select * from final
