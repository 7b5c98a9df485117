-- Holds on any data: for each month of mart_lifecycle_monthly, retained + dormant = the members
-- who joined before the month and were active last month; retained + resurrected +
-- first_active = those active this month; and over all months, new adds up to the members who
-- count (each joins in exactly one month). The months run without gaps from the first cohort
-- month to the month of as_of_date. Returns the months that break it.
with

lifecycle as (
    select * from {{ ref('mart_lifecycle_monthly') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

activity_monthly as (
    select * from {{ ref('int_member_activity_monthly') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

active_this_month as (
    select
        lifecycle.month,
        count(activity_monthly.member_id) as members
    from lifecycle
    inner join activity_monthly
        on
            lifecycle.month = activity_monthly.activity_month
            and lifecycle.month > activity_monthly.cohort_month
    group by lifecycle.month
),

active_last_month as (
    select
        lifecycle.month,
        count(activity_monthly.member_id) as members
    from lifecycle
    inner join activity_monthly
        on
            {{ commops.months_after('lifecycle.month', -1) }} = activity_monthly.activity_month
            and lifecycle.month > activity_monthly.cohort_month
    group by lifecycle.month
),

member_total as (
    select count(*) as members
    from members
),

new_total as (
    select coalesce(sum(new), 0) as members
    from lifecycle
),

month_bounds as (
    select
        min(lifecycle.month) as first_month,
        max(lifecycle.month) as last_month,
        count(*) as months
    from lifecycle
    having count(*) > 0
),

expected_bounds as (
    select
        min(members.cohort_month) as first_month,
        max({{ commops.month_of('as_of.as_of_date') }}) as last_month
    from members
    cross join as_of
),

month_checks as (
    select
        lifecycle.month,
        lifecycle.new,
        lifecycle.retained,
        lifecycle.resurrected,
        lifecycle.first_active,
        lifecycle.dormant,
        coalesce(active_this_month.members, 0) as active_this_month,
        coalesce(active_last_month.members, 0) as active_last_month
    from lifecycle
    left join active_this_month
        on lifecycle.month = active_this_month.month
    left join active_last_month
        on lifecycle.month = active_last_month.month
),

bad_months as (
    select month
    from month_checks
    where
        retained + dormant <> active_last_month
        or retained + resurrected + first_active <> active_this_month
        or least(new, retained, resurrected, first_active, dormant) < 0
),

bad_spine as (
    select month_bounds.first_month as month
    from month_bounds
    cross join expected_bounds
    where
        expected_bounds.first_month is null
        or month_bounds.first_month <> expected_bounds.first_month
        or month_bounds.last_month <> expected_bounds.last_month
        or month_bounds.months
        <> {{ dbt.datediff('month_bounds.first_month', 'month_bounds.last_month', 'month') }} + 1
),

-- The months' new members are not the members who count.
unbalanced_new as (
    select cast(null as date) as month
    from member_total
    cross join new_total
    where member_total.members <> new_total.members
),

-- Members count but the mart is empty.
missing_spine as (
    select expected_bounds.first_month as month
    from expected_bounds
    where
        expected_bounds.first_month is not null
        and not exists (select 1 from month_bounds)
)

select month from bad_months
union all
select month from bad_spine
union all
select month from missing_spine
union all
select month from unbalanced_new
