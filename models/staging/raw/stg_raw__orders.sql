with

screened as (
    select * from {{ ref('base_raw__orders_screened') }}
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
        amount,
        currency,
        fx_rate_to_cny,
        amount_cny,
        is_fx_carried_forward,
        status,
        has_unknown_code
    from screened
    where reject_reason is null
)

select * from final
