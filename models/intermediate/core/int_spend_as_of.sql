{#- One row per staged spend line dated on or before as_of_date: the spend the month-range
    marts of CONTRACT §7 count, so that their costs and activity cover the same days (spend is
    otherwise never cut). Flagged lines included: spend is never left out. -#}
with

spend as (
    select * from {{ ref('int_spend_flagged') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        spend.spend_id,
        spend.spend_date,
        spend.month,
        spend.cost_center,
        spend.module,
        spend.content_id,
        spend.amount_cny
    from spend
    cross join as_of
    where spend.spend_date <= as_of.as_of_date
)

select * from final
