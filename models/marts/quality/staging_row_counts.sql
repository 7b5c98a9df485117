with

row_counts as (
    select * from {{ ref('int_raw_rows_counted') }}
),

final as (
    select
        entity,
        raw_rows,
        staged_rows,
        rejected_rows,
        collapsed_rows
    from row_counts
)

select * from final
