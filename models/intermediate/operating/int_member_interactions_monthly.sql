{#- One row per member who counts and month with at least one interaction (CONTRACT §7): an
    active event (CONTRACT §5: of an active type, not flagged, dated on or before as_of_date)
    whose type is also in interaction_event_types; a type that is not in active_event_types
    never counts. Read by mart_kpi_monthly. -#}
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

interaction_events as (
    select
        events.member_id,
        {{ commops.month_of('events.occurred_date') }} as month
    from events
    inner join members
        on events.member_id = members.member_id
    left join event_flags
        on events.event_id = event_flags.event_id
    where
        {% if interaction_types -%}
            events.event_type in {{ commops.in_list(interaction_types) }}
        {%- else -%}
            1 = 0
        {%- endif %}
        and events.occurred_date <= members.as_of_date
        and event_flags.event_id is null
),

final as (
    select
        member_id,
        month,
        count(*) as interactions
    from interaction_events
    group by member_id, month
)

select * from final
