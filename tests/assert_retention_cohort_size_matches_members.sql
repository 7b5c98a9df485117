-- Holds on any data: mart_cohort_retention has, at k = 0, one row per cohort month and channel
-- of int_members_counted whose cohort_size is that cohort's member count, and cohort_size is the
-- same on every k. Returns each cohort where that fails.
with

retention as (
    select * from {{ ref('mart_cohort_retention') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

cohort_members as (
    select
        cohort_month,
        channel,
        count(*) as members
    from members
    group by cohort_month, channel
),

first_month as (
    select
        cohort_month,
        channel,
        cohort_size
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

final as (
    select
        coalesce(cohort_members.cohort_month, first_month.cohort_month) as cohort_month,
        coalesce(cohort_members.channel, first_month.channel) as channel,
        cohort_members.members,
        first_month.cohort_size,
        size_spread.min_cohort_size,
        size_spread.max_cohort_size
    from cohort_members
    full outer join first_month
        on
            cohort_members.cohort_month = first_month.cohort_month
            and cohort_members.channel = first_month.channel
    left join size_spread
        on
            coalesce(cohort_members.cohort_month, first_month.cohort_month) = size_spread.cohort_month
            and coalesce(cohort_members.channel, first_month.channel) = size_spread.channel
)

select
    cohort_month,
    channel,
    members,
    cohort_size,
    min_cohort_size,
    max_cohort_size
from final
where
    members is null
    or cohort_size is null
    or members <> cohort_size
    or min_cohort_size <> max_cohort_size
