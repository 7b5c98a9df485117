with

rejected as (
    select * from {{ ref('int_raw_rows_rejected') }}
),

final as (
    select
        entity,
        record_key,
        reason,
        raw_record
    from rejected
)

select * from final
