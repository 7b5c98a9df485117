{#- One row per staged ticket with is_suspect and suspect_reasons (CONTRACT §6). -#}
with

tickets as (
    select * from {{ ref('stg_raw__tickets') }}
),

ticket_flags as (
    select * from {{ ref('int_ticket_flags') }}
),

ticket_reasons as (
    {{ commops.suspect_reasons('ticket_flags', 'ticket_id') }}
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
        tickets.is_csat_out_of_range,
        tickets.has_unknown_code,
        ticket_reasons.suspect_reasons is not null as is_suspect,
        ticket_reasons.suspect_reasons
    from tickets
    left join ticket_reasons
        on tickets.ticket_id = ticket_reasons.ticket_id
)

select * from final
