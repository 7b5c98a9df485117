{#- One row per member who counts and month of the range (first cohort month to as_of month)
    in which the member is counted on at least one day up to as_of_date: the month members of
    CONTRACT §7 mart_kpi_monthly. A member is counted on a day when joined_date ≤ day ≤
    left_date (or no left_date), so from its cohort month to the month of its left_date; a
    member who left before joining is never counted. Each row says whether the member is
    counted on the month's last day (as_of_date in the as_of month) and how many days of the
    month it was active (CONTRACT §5). -#}
with

members as (
    select * from {{ ref('int_members_counted') }}
),

month_spine as (
    select * from {{ ref('int_retention_month_spine') }}
),

activity_daily as (
    select * from {{ ref('int_member_activity_daily') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

member_months as (
    select
        members.member_id,
        month_spine.month,
        members.joined_date,
        members.left_date,
        -- the day total_members counts on: the month's last day, as_of_date in the as_of month
        case
            when {{ commops.days_after(commops.months_after('month_spine.month', 1), -1) }} < as_of.as_of_date
                then {{ commops.days_after(commops.months_after('month_spine.month', 1), -1) }}
            else as_of.as_of_date
        end as closing_date
    from members
    inner join month_spine
        on
            members.cohort_month <= month_spine.month
            and (members.left_date is null or {{ commops.month_of('members.left_date') }} >= month_spine.month)
    cross join as_of
    where members.left_date is null or members.left_date >= members.joined_date
),

-- Active days per member-month, from member-days (not int_member_activity_monthly, so that the
-- month-range marts stay within nine models of the raw data).
activity_monthly as (
    select
        member_id,
        {{ commops.month_of('activity_date') }} as activity_month,
        count(*) as active_days
    from activity_daily
    group by
        member_id,
        {{ commops.month_of('activity_date') }}
),

final as (
    select
        member_months.member_id,
        member_months.month,
        member_months.joined_date,
        member_months.left_date,
        member_months.closing_date,
        member_months.left_date is null or member_months.left_date >= member_months.closing_date
            as is_counted_at_close,
        cast(coalesce(activity_monthly.active_days, 0) as bigint) as active_days,
        activity_monthly.member_id is not null as is_active
    from member_months
    left join activity_monthly
        on
            member_months.member_id = activity_monthly.member_id
            and member_months.month = activity_monthly.activity_month
)

select * from final
