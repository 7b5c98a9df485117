with

revenue as (
    select * from {{ ref('int_revenue_itemized') }}
),

final as (
    select
        revenue_id,
        loan_id,
        member_id,
        revenue_date,
        month,
        kind,
        amount_cny
    from revenue
)

select * from final
