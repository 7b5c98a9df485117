{#- One row per member who counts, month and content item (a non-empty content_id) with at
    least one active event (CONTRACT §5: of an active type, not flagged, dated on or before
    as_of_date) on that item in the month: the content members engaged with, for CONTRACT §7
    mart_content_monthly. views counts the item's active events of type view, interactions
    those of a type in interaction_event_types (a type that is not in active_event_types never
    counts). -#}
{%- set interaction_types = var('interaction_event_types') | select('in', var('active_event_types')) | list -%}
with

events as (
    select * from {{ ref('stg_raw__events') }}
),

event_flags as (
    select * from {{ ref('int_event_flags') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

content_events as (
    select
        events.member_id,
        {{ commops.month_of('events.occurred_date') }} as month,
        events.content_id,
        events.event_type
    from events
    inner join members
        on events.member_id = members.member_id
    left join event_flags
        on events.event_id = event_flags.event_id
    where
        events.event_type in {{ commops.in_list(var('active_event_types')) }}
        and events.content_id is not null
        and events.occurred_date <= members.as_of_date
        and event_flags.event_id is null
),

final as (
    select
        member_id,
        month,
        content_id,
        count(*) as active_events,
        count(case when event_type = 'view' then 1 end) as views,
        {% if interaction_types -%}
            count(case when event_type in {{ commops.in_list(interaction_types) }} then 1 end)
        {%- else -%}
            cast(0 as bigint)
        {%- endif %} as interactions
    from content_events
    group by member_id, month, content_id
)

select * from final
