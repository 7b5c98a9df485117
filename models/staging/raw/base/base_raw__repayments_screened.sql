{#- Every distinct raw repayment row, parsed and converted to CNY at the month of paid_at, or
    of due_date while unpaid, with the reason it is rejected (null when staged). -#}
with

raw as {{ commops.inline_cte() }} (
    select * from {{ ref('base_raw__repayments') }}
),

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates_monthly') }}
),

trimmed as (
    select
        {{ commops.raw_and_trimmed('repayments', 'raw') }}
        raw.raw_copies,
        raw.key_shared
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_date('due_date_text') }} as due_date,
        {{ commops.parse_timestamp('paid_at_text') }} as paid_at,
        {{ commops.parse_amount('principal_text') }} as principal,
        {{ commops.parse_amount('interest_text') }} as interest,
        {{ commops.parse_amount('fee_text') }} as fee,
        upper(currency_text) as currency
    from trimmed
),

dated as (
    select
        parsed.*,
        {{ commops.month_of('coalesce(cast(paid_at as date), due_date)') }} as fx_month
    from parsed
),

converted as (
    select
        dated.*,
        dated.currency = 'CNY' or repayment_fx.currency is not null as is_known_currency,
        case when dated.currency = 'CNY' then 1.0 else repayment_fx.rate_to_cny end as fx_rate_to_cny,
        coalesce(repayment_fx.is_carried_forward, false) as is_fx_carried_forward,
        (coalesce(dated.principal, dated.interest, dated.fee) is not null and repayment_fx.currency is not null and repayment_fx.rate_to_cny is null) as is_fx_missing
    from dated
    left join fx_rates as repayment_fx
        on
            dated.currency = repayment_fx.currency
            and dated.currency <> 'CNY'
            and dated.fx_month >= repayment_fx.from_month
            and dated.fx_month < repayment_fx.until_month
),

checked as {{ commops.inline_cte() }} (
    select
        converted.*,
        {{ commops.reject_reason(
            required=['repayment_id_text', 'loan_id_text', 'due_date_text', 'currency_text'],
            timestamps=[('paid_at_text', 'paid_at')],
            dates=[('due_date_text', 'due_date')],
            amounts=[('principal_text', 'principal'), ('interest_text', 'interest'), ('fee_text', 'fee')],
            checks=[
                ('not is_known_currency', 'unknown_currency'),
                ('is_fx_missing', 'missing_fx_rate'),
            ],
        ) }} as row_reason
    from converted
),

key_conflicts as (
    {{ commops.conflicting_keys('checked', 'row_reason', 'repayment_id_text') }}
),

keyed as (
    select
        checked.*,
        {{ commops.with_key_conflicts('checked.row_reason', 'key_conflicts.conflicting_key') }}
            as reject_reason
    from checked
    left join key_conflicts
        on checked.repayment_id_text = key_conflicts.conflicting_key
),

final as (
    select
        repayment_id_text as repayment_id,
        loan_id_text as loan_id,
        due_date,
        paid_at,
        principal,
        interest,
        fee,
        currency,
        fx_rate_to_cny,
        principal * fx_rate_to_cny as principal_cny,
        interest * fx_rate_to_cny as interest_cny,
        fee * fx_rate_to_cny as fee_cny,
        is_fx_carried_forward
        and coalesce(principal, interest, fee) is not null as is_fx_carried_forward,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('repayments', 'reject_reason') }} as raw_record
    from keyed
)

select * from final
