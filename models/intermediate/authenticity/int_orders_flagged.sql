{#- One row per staged order with is_suspect and suspect_reasons (CONTRACT §6). -#}
with

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

order_flags as (
    select * from {{ ref('int_order_flags') }}
),

order_reasons as (
    {{ commops.suspect_reasons('order_flags', 'order_id') }}
),

final as (
    select
        orders.order_id,
        orders.member_id,
        orders.ordered_at,
        orders.order_date,
        orders.month,
        orders.module,
        orders.item,
        orders.amount,
        orders.currency,
        orders.fx_rate_to_cny,
        orders.amount_cny,
        orders.is_fx_carried_forward,
        orders.status,
        orders.has_unknown_code,
        order_reasons.suspect_reasons is not null as is_suspect,
        order_reasons.suspect_reasons
    from orders
    left join order_reasons
        on orders.order_id = order_reasons.order_id
)

select * from final
