{#- One row per staged order dated on or before as_of_date (CONTRACT §4: marts see no order
    dated after it), whatever its status or module code. is_member_counted says whether its
    member counts: a suspect member's orders go with their revenue. -#}
with

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        orders.order_id,
        orders.member_id,
        orders.order_date,
        orders.month,
        orders.module,
        orders.status,
        orders.amount_cny,
        members.member_id is not null as is_member_counted
    from orders
    cross join as_of
    left join members
        on orders.member_id = members.member_id
    where orders.order_date <= as_of.as_of_date
)

select * from final
