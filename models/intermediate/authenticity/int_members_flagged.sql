{#- One row per staged member with is_suspect and suspect_reasons (CONTRACT §6): the member
    facts dim_members and int_members_counted share, resolved once. -#}
with

members as (
    select * from {{ ref('stg_raw__members') }}
),

member_flags as (
    select * from {{ ref('int_member_flags') }}
),

member_reasons as (
    {{ commops.suspect_reasons('member_flags', 'member_id') }}
),

final as (
    select
        members.member_id,
        members.joined_at,
        members.joined_date,
        {{ commops.month_of('members.joined_date') }} as cohort_month,
        members.community_id,
        members.channel,
        members.channel_name_zh,
        members.campaign_id,
        members.referrer_member_id,
        members.member_type,
        members.credit_score,
        members.annual_revenue_cny,
        members.tier,
        members.left_date,
        member_reasons.suspect_reasons is not null as is_suspect,
        member_reasons.suspect_reasons
    from members
    left join member_reasons
        on members.member_id = member_reasons.member_id
)

select * from final
