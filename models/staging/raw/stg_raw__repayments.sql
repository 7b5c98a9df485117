with

screened as (
    select * from {{ ref('base_raw__repayments_screened') }}
),

final as (
    select
        repayment_id,
        loan_id,
        due_date,
        paid_at,
        principal,
        interest,
        fee,
        currency,
        fx_rate_to_cny,
        principal_cny,
        interest_cny,
        fee_cny,
        is_fx_carried_forward
    from screened
    where reject_reason is null
)

select * from final
