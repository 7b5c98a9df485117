{#- One row per month from the first cohort month of a member who counts to the month of
    as_of_date, no gaps: the months of the date spine. -#}
with

date_spine as (
    select * from {{ ref('int_retention_date_spine') }}
),

final as (
    select distinct
        {{ commops.month_of('activity_date') }} as month
    from date_spine
)

select * from final
