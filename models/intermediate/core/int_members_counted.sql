{#- One row per member who counts (CONTRACT §4): not suspect (unless include_suspect_members),
    joined on or before as_of_date. -#}
with

members as (
    select * from {{ ref('int_members_flagged') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        members.member_id,
        members.joined_at,
        members.joined_date,
        members.cohort_month,
        members.channel,
        members.campaign_id,
        members.referrer_member_id,
        members.member_type,
        members.left_date,
        as_of.as_of_date
    from members
    cross join as_of
    where
        members.joined_date <= as_of.as_of_date
        and ({{ var('include_suspect_members') }} or not members.is_suspect)
)

select * from final
