{#- One row per member who counts and calendar month with at least one active day (CONTRACT
    §5), with the member's cohort month and channel: the activity that retention and lifecycle
    share. Built from member-days, never from raw events. -#}
with

activity_daily as (
    select * from {{ ref('int_member_activity_daily') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

-- Member-months first (a narrow group-by), then the member's cohort and channel.
activity_months as (
    select
        member_id,
        {{ commops.month_of('activity_date') }} as activity_month,
        count(*) as active_days,
        cast(sum(active_events) as bigint) as active_events
    from activity_daily
    group by
        member_id,
        {{ commops.month_of('activity_date') }}
),

final as (
    select
        activity_months.member_id,
        activity_months.activity_month,
        members.cohort_month,
        members.channel,
        activity_months.active_days,
        activity_months.active_events
    from activity_months
    inner join members
        on activity_months.member_id = members.member_id
)

select * from final
