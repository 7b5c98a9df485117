{#- One row per staged loan with is_suspect and suspect_reasons (CONTRACT §6). -#}
with

loans as (
    select * from {{ ref('stg_raw__loans') }}
),

loan_flags as (
    select * from {{ ref('int_loan_flags') }}
),

loan_reasons as (
    {{ commops.suspect_reasons('loan_flags', 'loan_id') }}
),

final as (
    select
        loans.loan_id,
        loans.member_id,
        loans.product,
        loans.currency,
        loans.applied_at,
        loans.decision,
        loans.decided_at,
        loans.requested_amount_cny,
        loans.approved_amount_cny,
        loans.disbursed_at,
        loans.disbursed_amount_cny,
        loans.origination_fee_cny,
        loans.term_months,
        loans.annual_rate,
        loans.status,
        loan_reasons.suspect_reasons is not null as is_suspect,
        loan_reasons.suspect_reasons
    from loans
    left join loan_reasons
        on loans.loan_id = loan_reasons.loan_id
)

select * from final
