-- Holds on any data: mart_engagement_daily has exactly one row per date from the earliest
-- joined_date of a member who counts to as_of_date. Returns a row when the dates' count,
-- first or last date is off (none at all when no member counts).
with

engagement as (
    select * from {{ ref('mart_engagement_daily') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

spine_stats as (
    select
        count(*) as days,
        count(distinct activity_date) as distinct_days,
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from engagement
    having count(*) > 0
),

expected_bounds as (
    select min(joined_date) as first_date
    from members
),

-- Members count but the mart is empty.
missing_spine as (
    select
        0 as days,
        0 as distinct_days,
        cast(null as date) as first_date,
        cast(null as date) as last_date,
        expected_bounds.first_date as expected_first_date,
        as_of.as_of_date as expected_last_date
    from expected_bounds
    cross join as_of
    where
        expected_bounds.first_date is not null
        and not exists (select 1 from spine_stats)
),

wrong_spine as (
    select
        spine_stats.days,
        spine_stats.distinct_days,
        spine_stats.first_date,
        spine_stats.last_date,
        expected_bounds.first_date as expected_first_date,
        as_of.as_of_date as expected_last_date
    from spine_stats
    cross join expected_bounds
    cross join as_of
    where
        expected_bounds.first_date is null
        or spine_stats.days <> spine_stats.distinct_days
        or spine_stats.first_date <> expected_bounds.first_date
        or spine_stats.last_date <> as_of.as_of_date
        or spine_stats.days <> {{ dbt.datediff('spine_stats.first_date', 'spine_stats.last_date', 'day') }} + 1
)

select
    days,
    distinct_days,
    first_date,
    last_date,
    expected_first_date,
    expected_last_date
from missing_spine

union all

select
    days,
    distinct_days,
    first_date,
    last_date,
    expected_first_date,
    expected_last_date
from wrong_spine
