{#- One row per cohort month, channel and member_type with at least one member who counts:
    members reaching each funnel step, step-to-step rates and the median days to funding
    (CONTRACT §5 Funnel). -#}
with

funnel as (
    select * from {{ ref('int_member_funnel_steps') }}
),

members_with_days as (
    select
        cohort_month,
        channel,
        member_type,
        activated_at,
        applied_at,
        approved_at,
        funded_at,
        repeat_funded_at,
        {{ dbt.datediff('cast(joined_at as date)', 'cast(funded_at as date)', 'day') }} as days_to_fund
    from funnel
),

counts as (
    select
        cohort_month,
        channel,
        member_type,
        count(*) as members,
        count(activated_at) as activated,
        count(applied_at) as applied,
        count(approved_at) as approved,
        count(funded_at) as funded,
        count(repeat_funded_at) as repeat_funded,
        {{ commops.median('days_to_fund') }} as median_days_to_fund
    from members_with_days
    group by cohort_month, channel, member_type
),

final as (
    select
        cohort_month,
        channel,
        member_type,
        cast(members as bigint) as members,
        cast(activated as bigint) as activated,
        cast(applied as bigint) as applied,
        cast(approved as bigint) as approved,
        cast(funded as bigint) as funded,
        cast(repeat_funded as bigint) as repeat_funded,
        case when members > 0 then cast(activated as double) / members end as activation_rate,
        case when activated > 0 then cast(applied as double) / activated end as application_rate,
        case when applied > 0 then cast(approved as double) / applied end as approval_rate,
        case when approved > 0 then cast(funded as double) / approved end as funding_rate,
        case when funded > 0 then cast(repeat_funded as double) / funded end as repeat_rate,
        cast(median_days_to_fund as double) as median_days_to_fund
    from counts
)

select * from final
