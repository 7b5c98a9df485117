{#- Every rate of mart_funnel_monthly is null or between 0 and 1 (application_rate only when
    funnel_requires_activation, since otherwise applied may exceed activated). -#}
with

funnel as (
    select * from {{ ref('mart_funnel_monthly') }}
),

final as (
    select
        cohort_month,
        channel,
        member_type,
        activation_rate,
        application_rate,
        approval_rate,
        funding_rate,
        repeat_rate
    from funnel
    where
        activation_rate < 0 or activation_rate > 1
        or ({{ var('funnel_requires_activation') }} and (application_rate < 0 or application_rate > 1))
        or approval_rate < 0 or approval_rate > 1
        or funding_rate < 0 or funding_rate > 1
        or repeat_rate < 0 or repeat_rate > 1
        or median_days_to_fund < 0
)

select * from final
