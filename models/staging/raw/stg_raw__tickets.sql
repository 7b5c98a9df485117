with

screened as (
    select * from {{ ref('base_raw__tickets_screened') }}
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
        is_csat_out_of_range,
        has_unknown_code
    from screened
    where reject_reason is null
)

select * from final
