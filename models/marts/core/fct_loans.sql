with

loans as (
    select * from {{ ref('int_loans_flagged') }}
),

final as (
    select
        loan_id,
        member_id,
        product,
        currency,
        applied_at,
        decision,
        decided_at,
        requested_amount_cny,
        approved_amount_cny,
        disbursed_at,
        disbursed_amount_cny,
        origination_fee_cny,
        term_months,
        annual_rate,
        status,
        is_suspect,
        suspect_reasons
    from loans
)

select * from final
