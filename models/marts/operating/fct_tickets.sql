with

tickets as (
    select * from {{ ref('int_tickets_timed') }}
),

final as (
    select
        ticket_id,
        member_id,
        opened_at,
        opened_date,
        month,
        first_response_at,
        resolved_at,
        contact_channel,
        topic,
        csat,
        first_response_minutes,
        resolution_hours,
        is_suspect,
        suspect_reasons
    from tickets
)

select * from final
