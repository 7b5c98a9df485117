with

screened as (
    select * from {{ ref('base_raw__spend_screened') }}
),

final as (
    select
        spend_id,
        spend_date,
        month,
        cost_center,
        category_label,
        category,
        channel_label,
        channel,
        channel_name_zh,
        is_channel_unmapped,
        campaign_id,
        vendor,
        amount,
        currency,
        fx_rate_to_cny,
        amount_cny,
        is_fx_carried_forward,
        invoice_no,
        module,
        content_id,
        has_unknown_code
    from screened
    where reject_reason is null
)

select * from final
