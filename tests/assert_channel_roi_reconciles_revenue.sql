{#- CONTRACT §5: summed over cohorts at their last k, cumulative_revenue_cny of
    mart_channel_roi equals the fct_revenue of members who count and joined on or before
    as_of_date, dated up to as_of_date. Read from fct_revenue itself, not from the
    intermediate model the mart uses. Returns a row when they differ by half a cent or more. -#}
with

channel_roi as (
    select * from {{ ref('mart_channel_roi') }}
),

revenue as (
    select * from {{ ref('fct_revenue') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

last_offsets as (
    select
        cohort_month,
        channel,
        max(months_since_cohort) as last_months_since_cohort
    from channel_roi
    group by cohort_month, channel
),

roi_revenue as (
    select sum(channel_roi.cumulative_revenue_cny) as revenue_cny
    from channel_roi
    inner join last_offsets
        on channel_roi.cohort_month = last_offsets.cohort_month
            and channel_roi.channel = last_offsets.channel
            and channel_roi.months_since_cohort = last_offsets.last_months_since_cohort
),

counted_revenue as (
    select sum(revenue.amount_cny) as revenue_cny
    from revenue
    inner join members
        on revenue.member_id = members.member_id
    cross join as_of
    where
        members.joined_date <= as_of.as_of_date
        and revenue.revenue_date <= as_of.as_of_date
),

compared as (
    select
        coalesce(roi_revenue.revenue_cny, 0) as roi_revenue_cny,
        coalesce(counted_revenue.revenue_cny, 0) as fct_revenue_cny
    from roi_revenue
    cross join counted_revenue
)

select
    roi_revenue_cny,
    fct_revenue_cny
from compared
where abs(roi_revenue_cny - fct_revenue_cny) >= 0.005
