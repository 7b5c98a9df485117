{#- One row per member who counts and month with at least one interaction or one active event
    on a content item (CONTRACT §7): an active event (CONTRACT §5: of an active type, not
    flagged, dated on or before as_of_date) is an interaction when its type is also in
    interaction_event_types (a type that is not in active_event_types never counts), and on
    content when it has a non-empty content_id. mart_kpi_monthly counts the interactions,
    mart_content_monthly the content viewers and engaged members. Member-months, not events:
    the content items engaged with are int_content_items_monthly. -#}
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

active_events as (
    select
        events.member_id,
        {{ commops.month_of('events.occurred_date') }} as month,
        events.content_id is not null as is_on_content,
        events.event_type = 'view' as is_view,
        {% if interaction_types -%}
            events.event_type in {{ commops.in_list(interaction_types) }}
        {%- else -%}
            false
        {%- endif %} as is_interaction
    from events
    inner join members
        on events.member_id = members.member_id
    left join event_flags
        on events.event_id = event_flags.event_id
    where
        events.event_type in {{ commops.in_list(var('active_event_types')) }}
        and events.occurred_date <= members.as_of_date
        and event_flags.event_id is null
),

final as (
    select
        member_id,
        month,
        count(case when is_interaction then 1 end) as interactions,
        count(case when is_on_content and is_view then 1 end) as content_views,
        count(case when is_on_content and is_interaction then 1 end) as content_interactions
    from active_events
    where is_interaction or is_on_content
    group by member_id, month
)

select * from final
