with

screened as (
    select * from {{ ref('base_raw__loans_screened') }}
),

final as (
    select
        loan_id,
        member_id,
        product,
        applied_at,
        requested_amount,
        currency,
        decision,
        decided_at,
        approved_amount,
        disbursed_at,
        disbursed_amount,
        term_months,
        annual_rate,
        origination_fee,
        status,
        requested_amount_cny,
        approved_amount_cny,
        disbursed_amount_cny,
        origination_fee_cny,
        is_fx_carried_forward,
        has_unknown_code
    from screened
    where reject_reason is null
)

select * from final
