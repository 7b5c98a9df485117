{#- One row per staged repayment as it stood on as_of_date: a payment dated after it has not
    happened yet (paid_at null). -#}
with

repayments as (
    select * from {{ ref('stg_raw__repayments') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        repayments.repayment_id,
        repayments.loan_id,
        repayments.due_date,
        case when cast(repayments.paid_at as date) <= as_of.as_of_date then repayments.paid_at end as paid_at,
        case when cast(repayments.paid_at as date) <= as_of.as_of_date then cast(repayments.paid_at as date) end
            as paid_date,
        repayments.principal_cny,
        repayments.interest_cny,
        repayments.fee_cny
    from repayments
    cross join as_of
)

select * from final
