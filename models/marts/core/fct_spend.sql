with

spend as (
    select * from {{ ref('int_spend_flagged') }}
),

final as (
    select
        spend_id,
        spend_date,
        month,
        cost_center,
        category,
        channel,
        campaign_id,
        module,
        content_id,
        vendor,
        currency,
        amount,
        amount_cny,
        is_suspect,
        suspect_reasons
    from spend
)

select * from final
