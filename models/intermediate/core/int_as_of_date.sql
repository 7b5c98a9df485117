{#- The date that closes every period (CONTRACT §4): the var as_of_date, or else the latest
    business date, not after the build date, of an active event of a member who counts; with
    none, the build date. Who counts here is "not flagged suspect" (unless
    include_suspect_members): the joined-by-as_of_date half of the rule needs this date. It
    reads the flags (int_member_flags) rather than int_members_flagged, which resolves the
    same flags per member, to keep the chain of models behind every mart one model shorter.
    An unflagged event always has a staged member (else it is flagged unknown_member). -#}
with

events as (
    select * from {{ ref('stg_raw__events') }}
),

event_flags as (
    select * from {{ ref('int_event_flags') }}
),

member_flags as (
    select * from {{ ref('int_member_flags') }}
),

suspect_members as (
    select distinct member_id
    from member_flags
),

active_event_dates as (
    select events.occurred_date
    from events
    left join suspect_members
        on events.member_id = suspect_members.member_id
    where
        events.event_type in {{ commops.in_list(var('active_event_types')) }}
        and events.occurred_date <= {{ commops.build_date() }}
        and ({{ var('include_suspect_members') }} or suspect_members.member_id is null)
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
