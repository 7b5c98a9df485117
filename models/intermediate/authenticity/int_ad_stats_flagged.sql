{#- One row per staged ad-delivery row (campaign and day) with is_suspect and suspect_reasons
    (CONTRACT §6). -#}
with

ad_stats as (
    select * from {{ ref('stg_raw__ad_stats') }}
),

ad_stat_flags as (
    select * from {{ ref('int_ad_stat_flags') }}
),

ad_stat_reasons as (
    {{ commops.suspect_reasons('ad_stat_flags', 'ad_stat_key') }}
),

final as (
    select
        ad_stats.ad_stat_key,
        ad_stats.stat_date,
        ad_stats.month,
        ad_stats.channel_label,
        ad_stats.channel,
        ad_stats.channel_name_zh,
        ad_stats.is_channel_unmapped,
        ad_stats.campaign_id,
        ad_stats.impressions,
        ad_stats.clicks,
        ad_stats.platform_spend,
        ad_stats.currency,
        ad_stats.fx_rate_to_cny,
        ad_stats.platform_spend_cny,
        ad_stats.is_fx_carried_forward,
        ad_stat_reasons.suspect_reasons is not null as is_suspect,
        ad_stat_reasons.suspect_reasons
    from ad_stats
    left join ad_stat_reasons
        on ad_stats.ad_stat_key = ad_stat_reasons.ad_stat_key
)

select * from final
