with

screened as (
    select * from {{ ref('base_raw__members_screened') }}
),

final as (
    select
        member_id,
        joined_at,
        joined_date,
        is_joined_date_only,
        community_id,
        channel_label,
        channel,
        channel_name_zh,
        is_channel_unmapped,
        campaign_id,
        referrer_member_id,
        member_type,
        annual_revenue_cny,
        credit_score,
        requested_amount_cny,
        region,
        phone_hash,
        device_hash,
        tier,
        left_at,
        left_date,
        has_unknown_code
    from screened
    where reject_reason is null
)

select * from final
