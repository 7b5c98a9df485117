{#- One row per staged event and authenticity flag (CONTRACT §6): outside its member's
    membership, or of a member not staged. One left join on member_id; the few flagged events
    are then split into one row per reason. -#}
{%- set rules = [
    ('event_before_join', 'is_before_join'),
    ('event_after_leave', 'is_after_leave'),
    ('unknown_member', 'is_unknown_member'),
] -%}
with

events as (
    select * from {{ ref('stg_raw__events') }}
),

members as (
    select * from {{ ref('stg_raw__members') }}
),

checked as (
    select
        events.event_id,
        coalesce(events.occurred_at < members.joined_at, false) as is_before_join,
        coalesce(events.occurred_at > members.left_at, false) as is_after_leave,
        members.member_id is null as is_unknown_member
    from events
    left join members
        on events.member_id = members.member_id
),

flagged as (
    select
        event_id,
        is_before_join,
        is_after_leave,
        is_unknown_member
    from checked
    where is_before_join or is_after_leave or is_unknown_member
),

final as (
    {%- for reason, flag in rules %}
        select
            event_id,
            '{{ reason }}' as reason
        from flagged
        where {{ flag }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from final
