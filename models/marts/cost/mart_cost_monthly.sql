with

allocated_spend as (
    select * from {{ ref('int_spend_allocated_monthly') }}
),

final as (
    select
        month,
        cost_center,
        channel,
        category,
        direct_cny,
        allocated_cny,
        direct_cny + allocated_cny as total_cny
    from allocated_spend
)

select
    month,
    cost_center,
    channel,
    category,
    direct_cny,
    allocated_cny,
    total_cny
from final
