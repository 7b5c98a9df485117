{#- One row per staged repayment and authenticity flag (CONTRACT §6): its loan is not staged
    (unknown, or rejected). -#}
with

repayments as (
    select * from {{ ref('stg_raw__repayments') }}
),

loans as (
    select * from {{ ref('stg_raw__loans') }}
),

final as (
    select
        repayments.repayment_id,
        'unknown_loan' as reason
    from repayments
    left join loans
        on repayments.loan_id = loans.loan_id
    where loans.loan_id is null
)

select * from final
