{#- One row per revenue item (CONTRACT §5): an origination fee at disbursement, interest and
    fees at payment, of every staged loan and repayment, whatever as_of_date. -#}
with

loans as (
    select * from {{ ref('stg_raw__loans') }}
),

repayments as (
    select * from {{ ref('stg_raw__repayments') }}
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

unioned as (
    select * from origination_fees
    union all
    select * from interest
    union all
    select * from fees
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
