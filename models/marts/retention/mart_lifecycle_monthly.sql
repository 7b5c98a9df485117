{#- Member lifecycle per month (CONTRACT §5). Each member's active months are compared with
    their previous and next active month: of the members who joined before the month, an
    active month after an active last month is retained, after a gap resurrected, with none
    before first_active; an active month not followed by the next month makes the member
    dormant in that next month. -#}
with

members as (
    select * from {{ ref('int_members_counted') }}
),

activity_monthly as (
    select * from {{ ref('int_member_activity_monthly') }}
),

month_spine as (
    select * from {{ ref('int_retention_month_spine') }}
),

new_members as (
    select
        cohort_month as month,
        count(*) as new_members
    from members
    group by cohort_month
),

member_months as (
    select
        member_id,
        cohort_month,
        activity_month,
        {{ commops.months_after('activity_month', -1) }} as last_month,
        {{ commops.months_after('activity_month', 1) }} as next_month,
        lag(activity_month) over (
            partition by member_id
            order by activity_month
        ) as previous_active_month,
        lead(activity_month) over (
            partition by member_id
            order by activity_month
        ) as next_active_month
    from activity_monthly
),

active_states as (
    select
        activity_month as month,
        sum(case when previous_active_month = last_month then 1 else 0 end) as retained,
        sum(case when previous_active_month < last_month then 1 else 0 end) as resurrected,
        sum(case when previous_active_month is null then 1 else 0 end) as first_active
    from member_months
    where cohort_month < activity_month
    group by activity_month
),

dormant_members as (
    select
        next_month as month,
        count(*) as dormant
    from member_months
    where
        cohort_month < next_month
        and (next_active_month is null or next_active_month > next_month)
    group by next_month
),

final as (
    select
        month_spine.month,
        cast(coalesce(new_members.new_members, 0) as bigint) as new,
        cast(coalesce(active_states.retained, 0) as bigint) as retained,
        cast(coalesce(active_states.resurrected, 0) as bigint) as resurrected,
        cast(coalesce(active_states.first_active, 0) as bigint) as first_active,
        cast(coalesce(dormant_members.dormant, 0) as bigint) as dormant
    from month_spine
    left join new_members
        on month_spine.month = new_members.month
    left join active_states
        on month_spine.month = active_states.month
    left join dormant_members
        on month_spine.month = dormant_members.month
)

select
    month,
    new,
    retained,
    resurrected,
    first_active,
    dormant
from final
