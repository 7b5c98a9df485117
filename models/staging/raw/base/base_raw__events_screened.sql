{#- Every distinct raw event row, parsed, with the reason it is rejected (null when staged). -#}
with

raw as (
    select * from {{ ref('base_raw__events') }}
),

trimmed as (
    select
        {{ commops.raw_and_trimmed('events', 'raw') }}
        raw.raw_copies
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_timestamp('occurred_at_text') }} as occurred_at,
        lower(event_type_text) as event_type_code
    from trimmed
),

checked as (
    select
        parsed.*,
        {{ commops.reject_reason(
            required=['event_id_text', 'member_id_text', 'occurred_at_text', 'event_type_text'],
            timestamps=[('occurred_at_text', 'occurred_at')],
        ) }} as row_reason
    from parsed
),

keyed as (
    select
        checked.*,
        {{ commops.with_key_conflicts('row_reason', 'event_id_text') }} as reject_reason
    from checked
),

final as (
    select
        event_id_text as event_id,
        member_id_text as member_id,
        occurred_at,
        cast(occurred_at as date) as occurred_date,
        event_type_code as event_type,
        community_id_text as community_id,
        content_id_text as content_id,
        {{ commops.is_unknown_code('event_type_code', 'event_type') }} as has_unknown_code,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('events', 'reject_reason') }} as raw_record
    from keyed
)

select * from final
