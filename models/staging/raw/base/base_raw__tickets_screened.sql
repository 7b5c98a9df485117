{#- Every distinct raw customer-service ticket row, parsed, with the reason it is rejected (null
    when staged). A csat that is an integer outside 1–5 is read as empty (and counted as
    csat_out_of_range); one that is not an integer is unparseable. -#}
with

raw as {{ commops.inline_cte() }} (
    select * from {{ ref('base_raw__tickets') }}
),

trimmed as (
    select
        {{ commops.raw_and_trimmed('tickets', 'raw') }}
        raw.raw_copies,
        raw.key_shared
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_timestamp('opened_at_text') }} as opened_at,
        {{ commops.parse_timestamp('first_response_at_text') }} as first_response_at,
        {{ commops.parse_timestamp('resolved_at_text') }} as resolved_at,
        {{ commops.parse_integer('csat_text') }} as csat_score,
        lower(contact_channel_text) as contact_channel,
        lower(topic_text) as topic
    from trimmed
),

checked as {{ commops.inline_cte() }} (
    select
        parsed.*,
        {{ commops.reject_reason(
            required=['ticket_id_text', 'opened_at_text'],
            timestamps=[
                ('opened_at_text', 'opened_at'),
                ('first_response_at_text', 'first_response_at'),
                ('resolved_at_text', 'resolved_at'),
            ],
            amounts=[('csat_text', 'csat_score')],
        ) }} as row_reason
    from parsed
),

key_conflicts as (
    {{ commops.conflicting_keys('checked', 'row_reason', 'ticket_id_text') }}
),

keyed as (
    select
        checked.*,
        {{ commops.with_key_conflicts('checked.row_reason', 'key_conflicts.conflicting_key') }}
            as reject_reason
    from checked
    left join key_conflicts
        on checked.ticket_id_text = key_conflicts.conflicting_key
),

final as (
    select
        ticket_id_text as ticket_id,
        member_id_text as member_id,
        opened_at,
        cast(opened_at as date) as opened_date,
        {{ commops.month_of('opened_at') }} as month,
        first_response_at,
        resolved_at,
        contact_channel,
        topic,
        case
            when csat_score between {{ var('csat_min') }} and {{ var('csat_max') }} then csat_score
        end as csat,
        coalesce(csat_score not between {{ var('csat_min') }} and {{ var('csat_max') }}, false)
            as is_csat_out_of_range,
        {{ commops.is_unknown_code('contact_channel', 'contact_channel') }}
        or {{ commops.is_unknown_code('topic', 'topic') }} as has_unknown_code,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('tickets', 'reject_reason') }} as raw_record
    from keyed
)

select * from final
