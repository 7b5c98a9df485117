{#- The community's operating KPIs per month of the range (CONTRACT §7): membership, activity,
    revenue, orders and churn of the month members (int_members_counted_monthly: members who
    count, counted on at least one day of the month up to as_of_date), so no rate exceeds 1.
    avg_dau is the mean of mart_engagement_daily's dau over the month's days in that mart: the
    sum of dau over those days is the month members' active days (an unflagged event lies
    inside its member's membership), divided by the days (tests/
    assert_kpi_avg_dau_is_the_mean_of_engagement_dau checks it against the mart). The ratios'
    numerators and denominators that no other column holds (paying_revenue_cny,
    top_decile_revenue_cny, previous_total_members) come last, so that the semantic layer sums
    them (models/semantic/). -#}
{#- The top decile: the ceil(paying_members / deciles) paying members with the most revenue. -#}
{%- set deciles = 10 -%}
with

month_spine as (
    select * from {{ ref('int_retention_month_spine') }}
),

date_spine as (
    select * from {{ ref('int_retention_date_spine') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

member_months as (
    select * from {{ ref('int_members_counted_monthly') }}
),

engagement as (
    select * from {{ ref('int_member_engagement_monthly') }}
),

revenue_monthly as (
    select * from {{ ref('int_member_revenue_monthly') }}
),

orders as (
    select * from {{ ref('int_orders_as_of') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

spine_days as (
    select
        {{ commops.month_of('activity_date') }} as month,
        count(*) as days
    from date_spine
    group by {{ commops.month_of('activity_date') }}
),

new_members as (
    select
        cohort_month as month,
        count(*) as new_members
    from members
    group by cohort_month
),

membership as (
    select
        month,
        count(*) as month_members,
        sum(case when is_counted_at_close then 1 else 0 end) as total_members,
        sum(case when is_active then 1 else 0 end) as active_members,
        sum(active_days) as active_member_days
    from member_months
    group by month
),

month_interactions as (
    select
        member_months.month,
        sum(engagement.interactions) as interactions
    from member_months
    inner join engagement
        on
            member_months.member_id = engagement.member_id
            and member_months.month = engagement.month
    group by member_months.month
),

-- A paying member repeats when its items of some earlier month summed to more than 0.
first_paying_months as (
    select
        member_id,
        min(month) as first_paying_month
    from revenue_monthly
    where revenue_cny > 0
    group by member_id
),

member_month_revenue as (
    select
        member_months.month,
        member_months.member_id,
        revenue_monthly.revenue_cny,
        revenue_monthly.revenue_cny > 0 as is_paying,
        coalesce(first_paying_months.first_paying_month < member_months.month, false) as is_repeat
    from member_months
    inner join revenue_monthly
        on
            member_months.member_id = revenue_monthly.member_id
            and member_months.month = revenue_monthly.month
    left join first_paying_months
        on member_months.member_id = first_paying_months.member_id
),

month_revenue as (
    select
        month,
        sum(revenue_cny) as revenue_cny
    from member_month_revenue
    group by month
),

-- Ties at the cut do not change the top decile's sum, whichever tied member the order picks.
paying_ranked as (
    select
        month,
        revenue_cny,
        is_repeat,
        row_number() over (partition by month order by revenue_cny desc, member_id asc) as revenue_rank,
        count(*) over (partition by month) as paying_members
    from member_month_revenue
    where is_paying
),

paying as (
    select
        month,
        count(*) as paying_members,
        sum(case when is_repeat then 1 else 0 end) as repeat_paying_members,
        sum(revenue_cny) as paying_revenue_cny,
        sum(
            case when revenue_rank <= ceil(cast(paying_members as double) / {{ deciles }}) then revenue_cny else 0 end
        ) as top_decile_revenue_cny
    from paying_ranked
    group by month
),

month_orders as (
    select
        orders.month,
        count(*) as paid_orders,
        sum(orders.amount_cny) as order_revenue_cny
    from orders
    inner join member_months
        on
            orders.member_id = member_months.member_id
            and orders.month = member_months.month
    where orders.status = 'paid'
    group by orders.month
),

-- Counted on the last day of a month and left in the next one, on or before as_of_date.
churned as (
    select
        {{ commops.months_after('member_months.month', 1) }} as month,
        count(*) as churned_members
    from member_months
    cross join as_of
    where
        member_months.is_counted_at_close
        and member_months.left_date <= as_of.as_of_date
        and {{ commops.month_of('member_months.left_date') }} = {{ commops.months_after('member_months.month', 1) }}
    group by {{ commops.months_after('member_months.month', 1) }}
),

monthly as (
    select
        month_spine.month,
        coalesce(new_members.new_members, 0) as new_members,
        coalesce(membership.total_members, 0) as total_members,
        coalesce(membership.month_members, 0) as month_members,
        coalesce(membership.active_members, 0) as active_members,
        coalesce(membership.active_member_days, 0) as active_member_days,
        spine_days.days,
        coalesce(month_interactions.interactions, 0) as interactions,
        coalesce(month_revenue.revenue_cny, 0) as revenue_cny,
        coalesce(paying.paying_members, 0) as paying_members,
        coalesce(paying.repeat_paying_members, 0) as repeat_paying_members,
        coalesce(paying.paying_revenue_cny, 0) as paying_revenue_cny,
        coalesce(paying.top_decile_revenue_cny, 0) as top_decile_revenue_cny,
        coalesce(month_orders.paid_orders, 0) as paid_orders,
        coalesce(month_orders.order_revenue_cny, 0) as order_revenue_cny,
        coalesce(churned.churned_members, 0) as churned_members,
        -- null in the first month of the range: no month before it
        lag(coalesce(membership.total_members, 0)) over (order by month_spine.month) as previous_total_members
    from month_spine
    left join spine_days
        on month_spine.month = spine_days.month
    left join new_members
        on month_spine.month = new_members.month
    left join membership
        on month_spine.month = membership.month
    left join month_interactions
        on month_spine.month = month_interactions.month
    left join month_revenue
        on month_spine.month = month_revenue.month
    left join paying
        on month_spine.month = paying.month
    left join month_orders
        on month_spine.month = month_orders.month
    left join churned
        on month_spine.month = churned.month
),

final as (
    select
        month,
        cast(new_members as bigint) as new_members,
        cast(total_members as bigint) as total_members,
        cast(month_members as bigint) as month_members,
        cast(active_members as bigint) as active_members,
        case when month_members > 0 then cast(active_members as double) / month_members end as active_rate,
        case when days > 0 then cast(active_member_days as double) / days end as avg_dau,
        cast(interactions as bigint) as interactions,
        case
            when active_members > 0 then cast(interactions as double) / active_members
        end as interactions_per_active_member,
        cast(revenue_cny as double) as revenue_cny,
        cast(paying_members as bigint) as paying_members,
        case when month_members > 0 then cast(paying_members as double) / month_members end as paying_rate,
        cast(repeat_paying_members as bigint) as repeat_paying_members,
        case
            when paying_members > 0 then cast(repeat_paying_members as double) / paying_members
        end as repeat_rate,
        case when month_members > 0 then cast(revenue_cny as double) / month_members end as arpu_cny,
        case when paying_members > 0 then cast(paying_revenue_cny as double) / paying_members end as arppu_cny,
        cast(paid_orders as bigint) as paid_orders,
        cast(order_revenue_cny as double) as order_revenue_cny,
        case when paid_orders > 0 then cast(order_revenue_cny as double) / paid_orders end as avg_order_value_cny,
        cast(churned_members as bigint) as churned_members,
        case
            when previous_total_members > 0 then cast(churned_members as double) / previous_total_members
        end as churn_rate,
        case
            when paying_members > 0 then cast(top_decile_revenue_cny as double) / paying_revenue_cny
        end as top_decile_revenue_share,
        cast(paying_revenue_cny as double) as paying_revenue_cny,
        cast(top_decile_revenue_cny as double) as top_decile_revenue_cny,
        cast(previous_total_members as bigint) as previous_total_members
    from monthly
)

select
    month,
    new_members,
    total_members,
    month_members,
    active_members,
    active_rate,
    avg_dau,
    interactions,
    interactions_per_active_member,
    revenue_cny,
    paying_members,
    paying_rate,
    repeat_paying_members,
    repeat_rate,
    arpu_cny,
    arppu_cny,
    paid_orders,
    order_revenue_cny,
    avg_order_value_cny,
    churned_members,
    churn_rate,
    top_decile_revenue_share,
    paying_revenue_cny,
    top_decile_revenue_cny,
    previous_total_members
from final
