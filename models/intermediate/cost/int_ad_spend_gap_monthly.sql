{#- One row per month, channel and campaign_id of the staged ad_stats (CONTRACT §7
    mart_ad_monthly): what the ad platforms say they delivered against what the spend export
    booked on that campaign in that month. Neither is cut by as_of_date. Channels match as
    mapped codes (`unknown` matches `unknown`; a spend line with no channel matches none),
    campaign ids as ids. Read by mart_ad_monthly and by the booked_over_platform spend flag. -#}
with

ad_stats as (
    select * from {{ ref('stg_raw__ad_stats') }}
),

spend as (
    select * from {{ ref('stg_raw__spend') }}
),

delivered as (
    select
        month,
        channel,
        campaign_id,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(platform_spend_cny) as platform_spend_cny
    from ad_stats
    group by month, channel, campaign_id
),

booked as (
    select
        delivered.month,
        delivered.channel,
        delivered.campaign_id,
        sum(spend.amount_cny) as booked_spend_cny
    from delivered
    inner join spend
        on
            delivered.month = spend.month
            and delivered.channel = spend.channel
            and delivered.campaign_id = spend.campaign_id
    group by delivered.month, delivered.channel, delivered.campaign_id
),

final as (
    select
        delivered.month,
        delivered.channel,
        delivered.campaign_id,
        delivered.impressions,
        delivered.clicks,
        delivered.platform_spend_cny,
        coalesce(booked.booked_spend_cny, 0) as booked_spend_cny,
        case
            when delivered.platform_spend_cny > 0
                then (coalesce(booked.booked_spend_cny, 0) - delivered.platform_spend_cny) / delivered.platform_spend_cny
        end as spend_gap_rate
    from delivered
    left join booked
        on
            delivered.month = booked.month
            and delivered.channel = booked.channel
            and delivered.campaign_id = booked.campaign_id
)

select * from final
