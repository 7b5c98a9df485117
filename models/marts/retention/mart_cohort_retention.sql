{#- Cohort retention (CONTRACT §5): for each cohort month and channel with a member, and each
    month from the cohort month to the month of as_of_date, the cohort's members active in that
    calendar month and those active in it or any later month. -#}
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

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

cohorts as (
    select
        cohort_month,
        channel,
        count(*) as cohort_size
    from members
    group by cohort_month, channel
),

cohort_calendar as (
    select
        cohorts.cohort_month,
        cohorts.channel,
        cohorts.cohort_size,
        month_spine.month as calendar_month,
        {{ dbt.datediff('cohorts.cohort_month', 'month_spine.month', 'month') }} as months_since_join
    from cohorts
    inner join month_spine
        on cohorts.cohort_month <= month_spine.month
    cross join as_of
    where month_spine.month <= {{ commops.month_of('as_of.as_of_date') }}
),

monthly_active as (
    select
        cohort_month,
        channel,
        activity_month,
        count(*) as active_members
    from activity_monthly
    group by cohort_month, channel, activity_month
),

last_active_months as (
    select
        member_id,
        cohort_month,
        channel,
        max(activity_month) as last_active_month
    from activity_monthly
    group by member_id, cohort_month, channel
),

last_active_counts as (
    select
        cohort_month,
        channel,
        last_active_month,
        count(*) as last_active_members
    from last_active_months
    group by cohort_month, channel, last_active_month
),

cohort_activity as (
    select
        cohort_calendar.cohort_month,
        cohort_calendar.channel,
        cohort_calendar.months_since_join,
        cohort_calendar.cohort_size,
        coalesce(monthly_active.active_members, 0) as active_members,
        -- Active in this month or a later one: last active in this month or a later one.
        sum(coalesce(last_active_counts.last_active_members, 0)) over (
            partition by cohort_calendar.cohort_month, cohort_calendar.channel
            order by cohort_calendar.calendar_month desc
            rows between unbounded preceding and current row
        ) as unbounded_active_members
    from cohort_calendar
    left join monthly_active
        on
            cohort_calendar.cohort_month = monthly_active.cohort_month
            and cohort_calendar.channel = monthly_active.channel
            and cohort_calendar.calendar_month = monthly_active.activity_month
    left join last_active_counts
        on
            cohort_calendar.cohort_month = last_active_counts.cohort_month
            and cohort_calendar.channel = last_active_counts.channel
            and cohort_calendar.calendar_month = last_active_counts.last_active_month
),

final as (
    select
        cohort_month,
        channel,
        cast(months_since_join as bigint) as months_since_join,
        cast(cohort_size as bigint) as cohort_size,
        cast(active_members as bigint) as active_members,
        case when cohort_size > 0 then cast(active_members as double) / cohort_size end as retention_rate,
        cast(unbounded_active_members as bigint) as unbounded_active_members,
        case
            when cohort_size > 0 then cast(unbounded_active_members as double) / cohort_size
        end as unbounded_retention_rate
    from cohort_activity
)

select
    cohort_month,
    channel,
    months_since_join,
    cohort_size,
    active_members,
    retention_rate,
    unbounded_active_members,
    unbounded_retention_rate
from final
