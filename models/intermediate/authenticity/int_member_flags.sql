{#- One row per staged member and authenticity flag (CONTRACT §6). A registration burst is
    found with window functions, not a self-join: within a community, ordered by joined_at,
    the member at rank r starts a burst when the member burst_min_members - 1 ranks later
    joined less than burst_window_seconds after it; every member within burst_min_members - 1
    ranks after a start is in that burst. This equals "some interval shorter than the window
    holds burst_min_members joins, this one among them" and costs one sort per community.

    referral_cycle: following referrer_member_id from member to member (staged members only:
    an id that is no staged member ends the chain) leads back to the member; a self-referral
    is a ring of one. Every member refers to at most one other, so the chains form a
    functional graph: a walk from a member either ends, or runs into a ring and goes round it
    for ever. A recursive walk from each member decides it in few steps:
    - a walk only goes on through members whose id sorts after its start, so of the members of
      a ring only the first (by id) walks all the way round it, back to itself: that walk
      visits exactly the ring's members; every other walk stops at a member sorting before its
      start, at the end of its chain, or
    - on a ring it does not belong to (a chain running into a ring): Brent's method keeps a
      saved member, moved to the walk's position at steps 1, 2, 4, 8, …; meeting it again means
      the walk is going round without its start, and it stops.
    A walk is as long as its chain and ring, so the recursion stays short on real referral
    data (Spark stops a recursion after spark.sql.cteRecursionLevelLimit steps, 100 by
    default: raise it for longer chains). -#}
{%- set burst_span = var('burst_min_members') - 1 -%}
with recursive

members as (
    select * from {{ ref('stg_raw__members') }}
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

links as (
    -- member → its referrer, when the referrer is a staged member
    select
        members.member_id,
        members.referrer_member_id as referrer_id
    from members
    inner join members as referrers
        on members.referrer_member_id = referrers.member_id
),

walks as (
    select
        member_id as start_id,
        referrer_id as node_id,
        member_id as saved_id,
        1 as steps,
        1 as power
    from links
    union all
    select
        walks.start_id,
        links.referrer_id as node_id,
        case when walks.steps = walks.power then walks.node_id else walks.saved_id end as saved_id,
        case when walks.steps = walks.power then 1 else walks.steps + 1 end as steps,
        case when walks.steps = walks.power then walks.power * 2 else walks.power end as power
    from walks
    inner join links
        on walks.node_id = links.member_id
    where
        walks.node_id > walks.start_id
        and walks.node_id <> walks.saved_id
),

ring_starts as (
    select distinct start_id
    from walks
    where node_id = start_id
),

referral_cycle as (
    select distinct
        walks.node_id as member_id,
        'referral_cycle' as reason
    from walks
    inner join ring_starts
        on walks.start_id = ring_starts.start_id
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
