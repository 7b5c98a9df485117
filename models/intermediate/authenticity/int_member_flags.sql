{#- One row per staged member and authenticity flag (CONTRACT §6). A registration burst is
    found with window functions, not a self-join: within a community, ordered by joined_at,
    the member at rank r starts a burst when the member burst_min_members - 1 ranks later
    joined less than burst_window_seconds after it; every member within burst_min_members - 1
    ranks after a start is in that burst. This equals "some interval shorter than the window
    holds burst_min_members joins, this one among them" and costs one sort per community. -#}
{%- set burst_span = var('burst_min_members') - 1 -%}
with

members as (
    select * from {{ ref('stg_raw__members') }}
),

referral_rings as (
    select * from {{ ref('int_member_referral_rings') }}
),

phone_counts as (
    select
        member_id,
        count(*) over (partition by phone_hash) as members_with_phone
    from members
    where phone_hash is not null
),

device_counts as (
    select
        member_id,
        count(*) over (partition by device_hash) as members_with_device
    from members
    where device_hash is not null
),

timed_joins as (
    -- A date-only joined_at never counts toward a burst, nor does a member without a community.
    select
        member_id,
        community_id,
        joined_at
    from members
    where
        community_id is not null
        and not is_joined_date_only
),

ranked_joins as (
    select
        member_id,
        community_id,
        joined_at,
        row_number() over (partition by community_id order by joined_at, member_id) as join_rank,
        lead(joined_at, {{ burst_span }}) over (
            partition by community_id order by joined_at, member_id
        ) as span_end_joined_at
    from timed_joins
),

burst_starts as (
    select
        member_id,
        community_id,
        join_rank,
        case
            when span_end_joined_at < {{ commops.add_seconds('joined_at', var('burst_window_seconds')) }}
                then 1
            else 0
        end as starts_burst
    from ranked_joins
),

burst_membership as (
    select
        member_id,
        max(starts_burst) over (
            partition by community_id order by join_rank
            rows between {{ burst_span }} preceding and current row
        ) as is_in_burst
    from burst_starts
),

shared_phone as (
    select
        member_id,
        'shared_phone' as reason
    from phone_counts
    where members_with_phone >= {{ var('shared_identity_min_members') }}
),

shared_device as (
    select
        member_id,
        'shared_device' as reason
    from device_counts
    where members_with_device >= {{ var('shared_identity_min_members') }}
),

registration_burst as (
    select
        member_id,
        'registration_burst' as reason
    from burst_membership
    where is_in_burst = 1
),

left_before_join as (
    select
        member_id,
        'left_before_join' as reason
    from members
    where left_at < joined_at
),

referral_cycle as (
    select
        member_id,
        'referral_cycle' as reason
    from referral_rings
),

final as (
    select * from shared_phone
    union all
    select * from shared_device
    union all
    select * from registration_burst
    union all
    select * from left_before_join
    union all
    select * from referral_cycle
)

select * from final
