-- Holds on any data: 0 ≤ active_members ≤ unbounded_active_members ≤ cohort_size, both rates in
-- [0, 1], and unbounded_active_members never rises with k (active in k or later nests in active
-- in k - 1 or later). Returns the rows that break it. (The rates as formulas are unit-tested.)
with

retention as (
    select * from {{ ref('mart_cohort_retention') }}
),

with_previous as (
    select
        cohort_month,
        channel,
        months_since_join,
        cohort_size,
        active_members,
        retention_rate,
        unbounded_active_members,
        unbounded_retention_rate,
        lag(unbounded_active_members) over (
            partition by cohort_month, channel
            order by months_since_join
        ) as previous_unbounded_active_members
    from retention
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
from with_previous
where
    cohort_size <= 0
    or active_members < 0
    or active_members > unbounded_active_members
    or unbounded_active_members > cohort_size
    or retention_rate < 0
    or retention_rate > 1
    or unbounded_retention_rate < 0
    or unbounded_retention_rate > 1
    or unbounded_active_members > previous_unbounded_active_members
