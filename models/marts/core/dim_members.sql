with

members as (
    select * from {{ ref('int_members_flagged') }}
),

segment_bands as (
    select * from {{ ref('stg_reference__segment_bands') }}
),

credit_bands as (
    select * from segment_bands
    where dimension = 'credit_score'
),

revenue_bands as (
    select * from segment_bands
    where dimension = 'annual_revenue_cny'
),

final as (
    select
        members.member_id,
        members.joined_at,
        members.joined_date,
        members.cohort_month,
        members.community_id,
        members.channel,
        members.channel_name_zh,
        members.campaign_id,
        members.referrer_member_id,
        members.member_type,
        members.credit_score,
        coalesce(credit_bands.band, 'unknown') as credit_band,
        members.annual_revenue_cny,
        coalesce(revenue_bands.band, 'unknown') as revenue_band,
        members.tier,
        members.left_date,
        members.is_suspect,
        members.suspect_reasons
    from members
    left join credit_bands
        on members.credit_score >= coalesce(credit_bands.lower_bound, members.credit_score)
            and (credit_bands.upper_bound is null or members.credit_score < credit_bands.upper_bound)
    left join revenue_bands
        on members.annual_revenue_cny >= coalesce(revenue_bands.lower_bound, members.annual_revenue_cny)
            and (revenue_bands.upper_bound is null or members.annual_revenue_cny < revenue_bands.upper_bound)
)

select * from final
