with

funnel as (
    select * from {{ ref('int_member_funnel_steps') }}
),

final as (
    select
        member_id,
        cohort_month,
        channel,
        member_type,
        joined_at,
        activated_at,
        applied_at,
        approved_at,
        funded_at,
        repeat_funded_at,
        furthest_step
    from funnel
)

select * from final
