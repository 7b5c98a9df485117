{#- The paid modules per month of the range (CONTRACT §7): every month and every order module
    code, with the paid and the refunded orders of members who count and the spend lines of
    the module (dated on or before as_of_date). Orders and spend lines of another module code
    are in no row (dq_checks counts them as unknown_code); an order neither paid nor refunded
    is in neither count. -#}
{%- set modules = commops.code_values('order_module') -%}
with

month_spine as (
    select * from {{ ref('int_retention_month_spine') }}
),

orders as (
    select * from {{ ref('int_orders_as_of') }}
),

spend as (
    select * from {{ ref('int_spend_as_of') }}
),

modules as (
    {%- for module in modules %}
        select '{{ module }}' as module
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

module_months as (
    select
        month_spine.month,
        modules.module
    from month_spine
    cross join modules
),

module_orders as (
    select
        month,
        module,
        count(case when status = 'paid' then 1 end) as paid_orders,
        count(distinct case when status = 'paid' then member_id end) as buyers,
        sum(case when status = 'paid' then amount_cny else 0 end) as order_revenue_cny,
        count(case when status = 'refunded' then 1 end) as refunded_orders,
        sum(case when status = 'refunded' then amount_cny else 0 end) as refunded_cny
    from orders
    where is_member_counted
    group by month, module
),

module_spend as (
    select
        month,
        module,
        sum(amount_cny) as module_spend_cny
    from spend
    where module is not null
    group by month, module
),

module_totals as (
    select
        module_months.month,
        module_months.module,
        cast(coalesce(module_orders.paid_orders, 0) as bigint) as paid_orders,
        cast(coalesce(module_orders.buyers, 0) as bigint) as buyers,
        cast(coalesce(module_orders.order_revenue_cny, 0) as double) as order_revenue_cny,
        cast(coalesce(module_orders.refunded_orders, 0) as bigint) as refunded_orders,
        cast(coalesce(module_orders.refunded_cny, 0) as double) as refunded_cny,
        cast(coalesce(module_spend.module_spend_cny, 0) as double) as module_spend_cny
    from module_months
    left join module_orders
        on
            module_months.month = module_orders.month
            and module_months.module = module_orders.module
    left join module_spend
        on
            module_months.month = module_spend.month
            and module_months.module = module_spend.module
),

final as (
    select
        month,
        module,
        paid_orders,
        buyers,
        order_revenue_cny,
        refunded_orders,
        refunded_cny,
        module_spend_cny,
        case
            when module_spend_cny > 0 then (order_revenue_cny - module_spend_cny) / module_spend_cny
        end as roi
    from module_totals
)

select
    month,
    module,
    paid_orders,
    buyers,
    order_revenue_cny,
    refunded_orders,
    refunded_cny,
    module_spend_cny,
    roi
from final
