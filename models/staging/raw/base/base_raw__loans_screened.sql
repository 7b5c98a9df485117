{#- Every distinct raw loan row, parsed and converted to CNY, with the reason it is rejected
    (null when staged). Each amount converts at the month of its own date: requested at
    applied_at, approved at decided_at, disbursed and origination fee at disbursed_at. -#}
with

raw as {{ commops.inline_cte() }} (
    select * from {{ ref('base_raw__loans') }}
),

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates_monthly') }}
),

trimmed as (
    select
        {{ commops.raw_and_trimmed('loans', 'raw') }}
        raw.raw_copies,
        raw.key_shared
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_timestamp('applied_at_text') }} as applied_at,
        {{ commops.parse_timestamp('decided_at_text') }} as decided_at,
        {{ commops.parse_timestamp('disbursed_at_text') }} as disbursed_at,
        {{ commops.parse_amount('requested_amount_text') }} as requested_amount,
        {{ commops.parse_amount('approved_amount_text') }} as approved_amount,
        {{ commops.parse_amount('disbursed_amount_text') }} as disbursed_amount,
        {{ commops.parse_integer('term_months_text') }} as term_months,
        {{ commops.parse_amount('annual_rate_text') }} as annual_rate,
        {{ commops.parse_amount('origination_fee_text') }} as origination_fee,
        upper(currency_text) as currency,
        lower(product_text) as product_code,
        lower(decision_text) as decision,
        lower(status_text) as status
    from trimmed
),

dated as (
    select
        parsed.*,
        {{ commops.month_of('applied_at') }} as applied_month,
        {{ commops.month_of('decided_at') }} as decided_month,
        {{ commops.month_of('disbursed_at') }} as disbursed_month
    from parsed
),

converted as (
    select
        dated.*,
        dated.currency = 'CNY' or applied_fx.currency is not null as is_known_currency,
        case when dated.currency = 'CNY' then 1.0 else applied_fx.rate_to_cny end as applied_rate,
        case when dated.currency = 'CNY' then 1.0 else decided_fx.rate_to_cny end as decided_rate,
        case when dated.currency = 'CNY' then 1.0 else disbursed_fx.rate_to_cny end as disbursed_rate,
        coalesce(applied_fx.is_carried_forward and dated.requested_amount is not null, false)
        or coalesce(decided_fx.is_carried_forward and dated.approved_amount is not null, false)
        or coalesce(disbursed_fx.is_carried_forward and dated.disbursed_at is not null, false)
            as is_fx_carried_forward,
        (dated.requested_amount is not null and applied_fx.currency is not null and applied_fx.rate_to_cny is null)
        or (dated.approved_amount is not null and decided_fx.currency is not null and decided_fx.rate_to_cny is null)
        or (coalesce(dated.disbursed_amount, 0) is not null and disbursed_fx.currency is not null and disbursed_fx.rate_to_cny is null)
        or (dated.origination_fee is not null and disbursed_fx.currency is not null and disbursed_fx.rate_to_cny is null)
            as is_fx_missing
    from dated
    left join fx_rates as applied_fx
        on
            dated.currency = applied_fx.currency
            and dated.currency <> 'CNY'
            and dated.applied_month >= applied_fx.from_month
            and dated.applied_month < applied_fx.until_month
    left join fx_rates as decided_fx
        on
            dated.currency = decided_fx.currency
            and dated.currency <> 'CNY'
            and dated.decided_month >= decided_fx.from_month
            and dated.decided_month < decided_fx.until_month
    left join fx_rates as disbursed_fx
        on
            dated.currency = disbursed_fx.currency
            and dated.currency <> 'CNY'
            and dated.disbursed_month >= disbursed_fx.from_month
            and dated.disbursed_month < disbursed_fx.until_month
),

checked as {{ commops.inline_cte() }} (
    select
        converted.*,
        {{ commops.reject_reason(
            required=['loan_id_text', 'member_id_text', 'applied_at_text', 'currency_text'],
            timestamps=[
                ('applied_at_text', 'applied_at'),
                ('decided_at_text', 'decided_at'),
                ('disbursed_at_text', 'disbursed_at'),
            ],
            amounts=[
                ('requested_amount_text', 'requested_amount'),
                ('approved_amount_text', 'approved_amount'),
                ('disbursed_amount_text', 'disbursed_amount'),
                ('term_months_text', 'term_months'),
                ('annual_rate_text', 'annual_rate'),
                ('origination_fee_text', 'origination_fee'),
            ],
            checks=[
                ('not is_known_currency', 'unknown_currency'),
                ('is_fx_missing', 'missing_fx_rate'),
            ],
        ) }} as row_reason
    from converted
),

key_conflicts as (
    {{ commops.conflicting_keys('checked', 'row_reason', 'loan_id_text') }}
),

keyed as (
    select
        checked.*,
        {{ commops.with_key_conflicts('checked.row_reason', 'key_conflicts.conflicting_key') }}
            as reject_reason
    from checked
    left join key_conflicts
        on checked.loan_id_text = key_conflicts.conflicting_key
),

final as (
    select
        loan_id_text as loan_id,
        member_id_text as member_id,
        coalesce(product_code, 'unknown') as product,
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
        requested_amount * applied_rate as requested_amount_cny,
        approved_amount * decided_rate as approved_amount_cny,
        case when disbursed_at is not null then coalesce(disbursed_amount, 0) * disbursed_rate end
            as disbursed_amount_cny,
        case when disbursed_at is not null then origination_fee * disbursed_rate end as origination_fee_cny,
        is_fx_carried_forward,
        {{ commops.is_unknown_code('product_code', 'product') }}
        or {{ commops.is_unknown_code('decision', 'decision') }}
        or {{ commops.is_unknown_code('status', 'loan_status') }} as has_unknown_code,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('loans', 'reject_reason') }} as raw_record
    from keyed
)

select * from final
