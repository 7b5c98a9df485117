{#- One row per month, cost center, channel and category that received a spend line or a share
    of shared spend (CONTRACT §5). Direct spend stays with its channel (`unknown` included);
    shared spend (channel `shared` in int_spend_flagged) of a month, cost center and category is
    split over the channels in proportion to their new members who count that month, or kept
    under channel `unallocated` when the month has none. Spend is never cut by as_of_date. -#}
with

spend as (
    select * from {{ ref('int_spend_flagged') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

direct_spend as (
    select
        month,
        cost_center,
        channel,
        category,
        sum(amount_cny) as direct_cny
    from spend
    where channel <> 'shared'
    group by month, cost_center, channel, category
),

shared_spend as (
    select
        month,
        cost_center,
        category,
        sum(amount_cny) as shared_cny
    from spend
    where channel = 'shared'
    group by month, cost_center, category
),

-- The new members who count per month and channel, as in int_new_members_monthly; counted
-- here from the members so that the cost marts wait on one model fewer.
new_members as (
    select
        cohort_month as month,
        channel,
        count(*) as new_members
    from members
    group by cohort_month, channel
),

month_new_members as (
    select
        month,
        channel,
        new_members,
        sum(new_members) over (partition by month) as month_new_members
    from new_members
),

allocated_spend as (
    select
        shared_spend.month,
        shared_spend.cost_center,
        coalesce(month_new_members.channel, 'unallocated') as channel,
        shared_spend.category,
        case
            when month_new_members.channel is null then shared_spend.shared_cny
            else shared_spend.shared_cny * cast(month_new_members.new_members as double)
                / cast(month_new_members.month_new_members as double)
        end as allocated_cny
    from shared_spend
    left join month_new_members
        on shared_spend.month = month_new_members.month
),

final as (
    select
        coalesce(direct_spend.month, allocated_spend.month) as month,
        coalesce(direct_spend.cost_center, allocated_spend.cost_center) as cost_center,
        coalesce(direct_spend.channel, allocated_spend.channel) as channel,
        coalesce(direct_spend.category, allocated_spend.category) as category,
        coalesce(direct_spend.direct_cny, 0) as direct_cny,
        coalesce(allocated_spend.allocated_cny, 0) as allocated_cny
    from direct_spend
    full outer join allocated_spend
        on direct_spend.month = allocated_spend.month
            and direct_spend.cost_center = allocated_spend.cost_center
            and direct_spend.channel = allocated_spend.channel
            and direct_spend.category = allocated_spend.category
)

select * from final
