with

screened as (
    select * from {{ ref('base_raw__ad_stats_screened') }}
),

final as (
    select
        ad_stat_key,
        stat_date,
        month,
        channel_label,
        channel,
        channel_name_zh,
        is_channel_unmapped,
        campaign_id,
        impressions,
        clicks,
        platform_spend,
        currency,
        fx_rate_to_cny,
        platform_spend_cny,
        is_fx_carried_forward
    from screened
    where reject_reason is null
)

select * from final
