{#- Per row of mart_funnel_monthly, no funnel step counts more members than the step before
    it. With funnel_requires_activation false a member may apply without activating, so
    applied is then compared with members instead of activated. -#}
with

funnel as (
    select * from {{ ref('mart_funnel_monthly') }}
),

final as (
    select
        cohort_month,
        channel,
        member_type,
        members,
        activated,
        applied,
        approved,
        funded,
        repeat_funded
    from funnel
    where
        activated > members
        or applied > case when {{ var('funnel_requires_activation') }} then activated else members end
        or approved > applied
        or funded > approved
        or repeat_funded > funded
)

select * from final
