{#- One row per revenue item (CONTRACT §5): an origination fee at disbursement, interest and
    fees at payment, of every staged loan and repayment, and the price of every staged paid
    order (kind = its module as staged, no loan), whatever as_of_date. -#}
with

loans as (
    select * from {{ ref('stg_raw__loans') }}
),

repayments as (
    select * from {{ ref('stg_raw__repayments') }}
),

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

origination_fees as (
    select
        loan_id || '|origination_fee' as revenue_id,
        loan_id,
        member_id,
        cast(disbursed_at as date) as revenue_date,
        'origination_fee' as kind,
        origination_fee_cny as amount_cny
    from loans
    where disbursed_at is not null
),

repayment_items as (
    select
        repayments.repayment_id,
        repayments.loan_id,
        loans.member_id,
        cast(repayments.paid_at as date) as revenue_date,
        repayments.interest_cny,
        repayments.fee_cny
    from repayments
    left join loans
        on repayments.loan_id = loans.loan_id
    where repayments.paid_at is not null
),

interest as (
    select
        repayment_id || '|interest' as revenue_id,
        loan_id,
        member_id,
        revenue_date,
        'interest' as kind,
        interest_cny as amount_cny
    from repayment_items
),

fees as (
    select
        repayment_id || '|fee' as revenue_id,
        loan_id,
        member_id,
        revenue_date,
        'fee' as kind,
        fee_cny as amount_cny
    from repayment_items
),

-- An order's kind is its module as staged, an unknown code too.
order_items as (
    select
        order_id || '|order' as revenue_id,
        cast(null as {{ dbt.type_string() }}) as loan_id,
        member_id,
        order_date as revenue_date,
        module as kind,
        amount_cny
    from orders
    where status = 'paid'
),

unioned as (
    select * from origination_fees
    union all
    select * from interest
    union all
    select * from fees
    union all
    select * from order_items
),

final as (
    select
        revenue_id,
        loan_id,
        member_id,
        revenue_date,
        {{ commops.month_of('revenue_date') }} as month,
        kind,
        amount_cny
    from unioned
    where amount_cny <> 0
)

select * from final
