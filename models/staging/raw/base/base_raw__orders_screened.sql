{#- Every distinct raw order row, parsed and converted to CNY at the month of ordered_at, with
    the reason it is rejected (null when staged). -#}
with

raw as {{ commops.inline_cte() }} (
    select * from {{ ref('base_raw__orders') }}
),

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates_monthly') }}
),

trimmed as (
    select
        {{ commops.raw_and_trimmed('orders', 'raw') }}
        raw.raw_copies,
        raw.key_shared
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_timestamp('ordered_at_text') }} as ordered_at,
        {{ commops.parse_amount('amount_text') }} as amount,
        upper(currency_text) as currency,
        lower(module_text) as module,
        lower(status_text) as status_code
    from trimmed
),

converted as (
    select
        parsed.*,
        {{ commops.month_of('parsed.ordered_at') }} as month,
        parsed.currency = 'CNY' or order_fx.currency is not null as is_known_currency,
        case when parsed.currency = 'CNY' then 1.0 else order_fx.rate_to_cny end as fx_rate_to_cny,
        coalesce(order_fx.is_carried_forward, false) as is_fx_carried_forward,
        (parsed.amount is not null and order_fx.currency is not null and order_fx.rate_to_cny is null) as is_fx_missing
    from parsed
    left join fx_rates as order_fx
        on
            parsed.currency = order_fx.currency
            and parsed.currency <> 'CNY'
            and {{ commops.month_of('parsed.ordered_at') }} >= order_fx.from_month
            and {{ commops.month_of('parsed.ordered_at') }} < order_fx.until_month
),

checked as {{ commops.inline_cte() }} (
    select
        converted.*,
        {{ commops.reject_reason(
            required=['order_id_text', 'member_id_text', 'ordered_at_text', 'module_text', 'amount_text', 'currency_text'],
            timestamps=[('ordered_at_text', 'ordered_at')],
            amounts=[('amount_text', 'amount')],
            checks=[
                ('not is_known_currency', 'unknown_currency'),
                ('is_fx_missing', 'missing_fx_rate'),
            ],
        ) }} as row_reason
    from converted
),

key_conflicts as (
    {{ commops.conflicting_keys('checked', 'row_reason', 'order_id_text') }}
),

keyed as (
    select
        checked.*,
        {{ commops.with_key_conflicts('checked.row_reason', 'key_conflicts.conflicting_key') }}
            as reject_reason
    from checked
    left join key_conflicts
        on checked.order_id_text = key_conflicts.conflicting_key
),

final as (
    select
        order_id_text as order_id,
        member_id_text as member_id,
        ordered_at,
        cast(ordered_at as date) as order_date,
        month,
        module,
        item_text as item,
        amount,
        currency,
        fx_rate_to_cny,
        amount * fx_rate_to_cny as amount_cny,
        is_fx_carried_forward,
        -- An empty status is a paid order (CONTRACT §2).
        coalesce(status_code, 'paid') as status,
        {{ commops.is_unknown_code('module', 'order_module') }}
        or {{ commops.is_unknown_code('status_code', 'order_status') }} as has_unknown_code,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('orders', 'reject_reason') }} as raw_record
    from keyed
)

select * from final
