{#- One row per staged ticket with its authenticity flags and its two durations (CONTRACT §7):
    first_response_minutes and resolution_hours from the timestamps to the microsecond, null
    when either timestamp is empty, negative when the ticket is flagged for it. Whatever
    as_of_date: fct_tickets publishes it, mart_service_monthly cuts it. -#}
with

tickets as (
    select * from {{ ref('int_tickets_flagged') }}
),

ticket_flags as (
    select * from {{ ref('int_ticket_flags') }}
),

timing_flags as (
    select
        ticket_id,
        max(case when reason = 'response_before_opened' then 1 else 0 end) = 1 as is_response_before_opened,
        max(case when reason = 'resolved_before_opened' then 1 else 0 end) = 1 as is_resolved_before_opened
    from ticket_flags
    group by ticket_id
),

final as (
    select
        tickets.ticket_id,
        tickets.member_id,
        tickets.opened_at,
        tickets.opened_date,
        tickets.month,
        tickets.first_response_at,
        tickets.resolved_at,
        tickets.contact_channel,
        tickets.topic,
        tickets.csat,
        {{ commops.seconds_between('tickets.opened_at', 'tickets.first_response_at') }} / 60
            as first_response_minutes,
        {{ commops.seconds_between('tickets.opened_at', 'tickets.resolved_at') }} / 3600
            as resolution_hours,
        coalesce(timing_flags.is_response_before_opened, false) as is_response_before_opened,
        coalesce(timing_flags.is_resolved_before_opened, false) as is_resolved_before_opened,
        tickets.is_suspect,
        tickets.suspect_reasons
    from tickets
    left join timing_flags
        on tickets.ticket_id = timing_flags.ticket_id
)

select * from final
