-- Holds on any data: every member who counts is in exactly one cohort, so the cohort sizes of
-- mart_cohort_retention at k = 0 add up to the members of int_members_counted, and a cohort's
-- size is the same on every k. Returns a row when the total or a cohort's size is off.
with

retention as (
    select * from {{ ref('mart_cohort_retention') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

member_total as (
    select count(*) as members
    from members
),

cohort_total as (
    select coalesce(sum(cohort_size), 0) as members
    from retention
    where months_since_join = 0
),

size_spread as (
    select
        cohort_month,
        channel,
        min(cohort_size) as min_cohort_size,
        max(cohort_size) as max_cohort_size
    from retention
    group by cohort_month, channel
),

total_off as (
    select
        'total' as problem,
        cast(null as date) as cohort_month,
        cast(null as {{ dbt.type_string() }}) as channel,
        member_total.members as expected_members,
        cohort_total.members as found_members
    from member_total
    cross join cohort_total
    where member_total.members <> cohort_total.members
),

size_varies as (
    select
        'size_varies' as problem,
        cohort_month,
        channel,
        min_cohort_size as expected_members,
        max_cohort_size as found_members
    from size_spread
    where min_cohort_size <> max_cohort_size
)

select
    problem,
    cohort_month,
    channel,
    expected_members,
    found_members
from total_off

union all

select
    problem,
    cohort_month,
    channel,
    expected_members,
    found_members
from size_varies
