{#- Ad delivery per month, channel and campaign of the staged ad_stats (CONTRACT §7), every month
    of the ad_stats, outside the month range too: what the platforms delivered
    (int_ad_spend_gap_monthly, with the booked spend and the gap the booked_over_platform flag
    reads), its rates, and the members who count who joined through that channel and
    campaign in the month. -#}
{#- cpm is per mille: the cost of this many impressions. -#}
{%- set impressions_per_cpm = 1000 -%}
with

ad_months as (
    select * from {{ ref('int_ad_spend_gap_monthly') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

-- Members who count joined on or before as_of_date: a month after the as_of month has none.
campaign_joins as (
    select
        cohort_month as month,
        channel,
        campaign_id,
        count(*) as new_members
    from members
    where campaign_id is not null
    group by cohort_month, channel, campaign_id
),

final as (
    select
        ad_months.month,
        ad_months.channel,
        ad_months.campaign_id,
        cast(ad_months.impressions as bigint) as impressions,
        cast(ad_months.clicks as bigint) as clicks,
        case
            when ad_months.impressions > 0 then cast(ad_months.clicks as double) / ad_months.impressions
        end as ctr,
        cast(ad_months.platform_spend_cny as double) as platform_spend_cny,
        cast(ad_months.booked_spend_cny as double) as booked_spend_cny,
        cast(ad_months.spend_gap_rate as double) as spend_gap_rate,
        case when ad_months.clicks > 0 then ad_months.booked_spend_cny / ad_months.clicks end as cpc_cny,
        case
            when ad_months.impressions > 0
                then ad_months.booked_spend_cny * {{ impressions_per_cpm }} / ad_months.impressions
        end as cpm_cny,
        cast(coalesce(campaign_joins.new_members, 0) as bigint) as new_members,
        case
            when campaign_joins.new_members > 0 then ad_months.booked_spend_cny / campaign_joins.new_members
        end as cost_per_new_member_cny
    from ad_months
    left join campaign_joins
        on
            ad_months.month = campaign_joins.month
            and ad_months.channel = campaign_joins.channel
            and ad_months.campaign_id = campaign_joins.campaign_id
)

select
    month,
    channel,
    campaign_id,
    impressions,
    clicks,
    ctr,
    platform_spend_cny,
    booked_spend_cny,
    spend_gap_rate,
    cpc_cny,
    cpm_cny,
    new_members,
    cost_per_new_member_cny
from final
