{#- One row per staged ticket and authenticity flag (CONTRACT §6). A rule comparing two
    timestamps applies only when both are present; a ticket without a member is no one's and
    is never unknown_member. -#}
{%- set rules = [
    ('response_before_opened', 'is_response_before_opened'),
    ('resolved_before_opened', 'is_resolved_before_opened'),
    ('unknown_member', 'is_unknown_member'),
] -%}
with

tickets as (
    select * from {{ ref('stg_raw__tickets') }}
),

members as (
    select * from {{ ref('stg_raw__members') }}
),

checked as (
    select
        tickets.ticket_id,
        coalesce(tickets.first_response_at < tickets.opened_at, false) as is_response_before_opened,
        coalesce(tickets.resolved_at < tickets.opened_at, false) as is_resolved_before_opened,
        tickets.member_id is not null and members.member_id is null as is_unknown_member
    from tickets
    left join members
        on tickets.member_id = members.member_id
),

final as (
    {%- for reason, flag in rules %}
        select
            ticket_id,
            '{{ reason }}' as reason
        from checked
        where {{ flag }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from final
