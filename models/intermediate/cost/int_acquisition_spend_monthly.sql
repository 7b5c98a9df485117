{#- One row per month and channel with a community spend line or share of shared community
    spend (direct or allocated, `unallocated` included, whatever its sum): the spend that
    CAC and channel ROI divide (CONTRACT §5). Customer-service spend is never part of it. -#}
with

allocated_spend as (
    select * from {{ ref('int_spend_allocated_monthly') }}
),

community_spend as (
    select
        month,
        channel,
        category,
        direct_cny,
        allocated_cny
    from allocated_spend
    where cost_center = 'community'
),

final as (
    select
        month,
        channel,
        -- Paid spend: what was bought to acquire members (var paid_spend_categories).
        sum(
            case when category in {{ commops.in_list(var('paid_spend_categories')) }} then direct_cny else 0 end
        ) as paid_spend_cny,
        sum(direct_cny + allocated_cny) as fully_loaded_spend_cny
    from community_spend
    group by month, channel
)

select * from final
