{#- One row per staged member on a referral ring (CONTRACT §6 referral_cycle): following
    referrer_member_id from member to member (staged members only: an id that is no staged
    member ends the chain) leads back to it. A self-referral is a ring of one.

    Every member refers to at most one other, so the chains form a functional graph: a walk
    from a member either ends, or runs into a ring and goes round it for ever. A recursive walk
    from each member decides it in few steps:
    - a walk only goes on through members whose id sorts after its start, so of the members of
      a ring only the first (by id) walks all the way round it, back to itself: that walk
      visits exactly the ring's members; every other walk stops at a member sorting before its
      start, at the end of its chain, or
    - on a ring it does not belong to (a chain running into a ring): Brent's method keeps a
      saved member, moved to the walk's position at steps 1, 2, 4, 8, …; meeting it again means
      the walk is going round without its start, and it stops.
    A walk is as long as its chain and ring, so the recursion stays short on real referral
    data. -#}
with recursive

members as (
    select
        member_id,
        referrer_member_id
    from {{ ref('stg_raw__members') }}
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

final as (
    select distinct walks.node_id as member_id
    from walks
    inner join ring_starts
        on walks.start_id = ring_starts.start_id
)

select * from final
