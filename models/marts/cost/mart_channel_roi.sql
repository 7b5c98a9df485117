with

members as (
    select * from {{ ref('int_members_counted') }}
),

acquisition_spend as (
    select * from {{ ref('int_acquisition_spend_monthly') }}
),

revenue as (
    select * from {{ ref('int_revenue_as_of') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

month_offsets as (
    {{ commops.month_offsets() }}
),

cohort_sizes as (
    select
        cohort_month,
        channel,
        count(*) as members
    from members
    group by cohort_month, channel
),

cohorts as (
    select
        cohort_sizes.cohort_month,
        cohort_sizes.channel,
        cohort_sizes.members,
        cast({{ dbt.datediff('cohort_sizes.cohort_month', commops.month_of('as_of.as_of_date'), 'month') }} as bigint)
            as last_months_since_cohort
    from cohort_sizes
    cross join as_of
),

cohort_months as (
    select
        cohorts.cohort_month,
        cohorts.channel,
        cohorts.members,
        month_offsets.month_offset as months_since_cohort
    from cohorts
    inner join month_offsets
        on cohorts.last_months_since_cohort >= month_offsets.month_offset
),

-- Revenue of a member who counts, dated on or before as_of_date (int_revenue_as_of), at the
-- months since its cohort; revenue dated before the cohort month counts from k = 0.
cohort_revenue as (
    select
        cohort_month,
        channel,
        case
            when month < cohort_month then 0
            else cast({{ dbt.datediff('cohort_month', 'month', 'month') }} as bigint)
        end as months_since_cohort,
        amount_cny
    from revenue
    where is_member_counted
),

cohort_revenue_monthly as (
    select
        cohort_month,
        channel,
        months_since_cohort,
        sum(amount_cny) as revenue_cny
    from cohort_revenue
    group by cohort_month, channel, months_since_cohort
),

cumulated as (
    select
        cohort_months.cohort_month,
        cohort_months.channel,
        cohort_months.months_since_cohort,
        cohort_months.members,
        coalesce(acquisition_spend.fully_loaded_spend_cny, 0) as acquisition_spend_cny,
        sum(coalesce(cohort_revenue_monthly.revenue_cny, 0)) over (
            partition by cohort_months.cohort_month, cohort_months.channel
            order by cohort_months.months_since_cohort
            rows between unbounded preceding and current row
        ) as cumulative_revenue_cny
    from cohort_months
    left join acquisition_spend
        on cohort_months.cohort_month = acquisition_spend.month
            and cohort_months.channel = acquisition_spend.channel
    left join cohort_revenue_monthly
        on cohort_months.cohort_month = cohort_revenue_monthly.cohort_month
            and cohort_months.channel = cohort_revenue_monthly.channel
            and cohort_months.months_since_cohort = cohort_revenue_monthly.months_since_cohort
),

final as (
    select
        cohort_month,
        channel,
        months_since_cohort,
        members,
        acquisition_spend_cny,
        cumulative_revenue_cny,
        case when members > 0 then cumulative_revenue_cny / cast(members as double) end as ltv_per_member_cny,
        case
            when acquisition_spend_cny > 0
                then (cumulative_revenue_cny - acquisition_spend_cny) / acquisition_spend_cny
        end as roi,
        case when acquisition_spend_cny > 0 then cumulative_revenue_cny / acquisition_spend_cny end as ltv_to_cac,
        min(
            case
                when acquisition_spend_cny > 0 and cumulative_revenue_cny >= acquisition_spend_cny
                    then months_since_cohort
            end
        ) over (partition by cohort_month, channel) as payback_months
    from cumulated
)

select
    cohort_month,
    channel,
    months_since_cohort,
    members,
    acquisition_spend_cny,
    cumulative_revenue_cny,
    ltv_per_member_cny,
    roi,
    ltv_to_cac,
    payback_months
from final
