{#- One row per staged order and authenticity flag (CONTRACT §6). -#}
with

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

members as (
    select * from {{ ref('stg_raw__members') }}
),

final as (
    select
        orders.order_id,
        'unknown_member' as reason
    from orders
    left join members
        on orders.member_id = members.member_id
    where members.member_id is null
)

select * from final
