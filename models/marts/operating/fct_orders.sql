with

orders as (
    select * from {{ ref('int_orders_flagged') }}
),

final as (
    select
        order_id,
        member_id,
        ordered_at,
        order_date,
        month,
        module,
        item,
        status,
        currency,
        amount,
        amount_cny,
        is_suspect,
        suspect_reasons
    from orders
)

select * from final
