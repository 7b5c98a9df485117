{#- CONTRACT §5: per month and cost center, total_cny of mart_cost_monthly equals the
    amount_cny of fct_spend to the cent (allocation neither creates nor loses money). Returns
    the months and cost centers where they differ by half a cent or more, or where one side
    has a row the other lacks. -#}
with

cost_monthly as (
    select * from {{ ref('mart_cost_monthly') }}
),

spend as (
    select * from {{ ref('fct_spend') }}
),

cost_totals as (
    select
        month,
        cost_center,
        sum(total_cny) as total_cny
    from cost_monthly
    group by month, cost_center
),

spend_totals as (
    select
        month,
        cost_center,
        sum(amount_cny) as amount_cny
    from spend
    group by month, cost_center
),

compared as (
    select
        coalesce(cost_totals.month, spend_totals.month) as month,
        coalesce(cost_totals.cost_center, spend_totals.cost_center) as cost_center,
        cost_totals.total_cny,
        spend_totals.amount_cny
    from cost_totals
    full outer join spend_totals
        on cost_totals.month = spend_totals.month
            and cost_totals.cost_center = spend_totals.cost_center
)

select
    month,
    cost_center,
    total_cny,
    amount_cny
from compared
where
    total_cny is null
    or amount_cny is null
    or abs(total_cny - amount_cny) >= 0.005
