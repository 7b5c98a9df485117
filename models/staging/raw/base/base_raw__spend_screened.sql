{#- Every distinct raw spend row, parsed and converted to CNY, with the reason it is rejected
    (null when staged). -#}
with

raw as {{ commops.inline_cte() }} (
    select * from {{ ref('base_raw__spend') }}
),

channel_map as (
    select * from {{ ref('stg_reference__channel_map') }}
),

category_map as (
    select * from {{ ref('stg_reference__cost_category_map') }}
),

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates_monthly') }}
),

trimmed as (
    select
        {{ commops.raw_and_trimmed('spend', 'raw') }}
        raw.raw_copies,
        raw.key_shared
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_date('spend_date_text') }} as spend_date,
        {{ commops.parse_amount('amount_text') }} as amount,
        upper(currency_text) as currency,
        lower(cost_center_text) as cost_center,
        lower(module_text) as module
    from trimmed
),

mapped as (
    select
        parsed.*,
        {{ commops.month_of('parsed.spend_date') }} as month,
        case when parsed.channel_text is not null then coalesce(channel_map.channel, 'unknown') end as channel,
        case when parsed.channel_text is not null then coalesce(channel_map.channel_name_zh, '未知') end
            as channel_name_zh,
        parsed.channel_text is not null and channel_map.label_key is null as is_channel_unmapped,
        category_map.category
    from parsed
    left join channel_map
        on lower(parsed.channel_text) = channel_map.label_key
    left join category_map
        on lower(parsed.category_text) = category_map.label_key
),

converted as (
    select
        mapped.*,
        mapped.currency = 'CNY' or spend_fx.currency is not null as is_known_currency,
        case when mapped.currency = 'CNY' then 1.0 else spend_fx.rate_to_cny end as fx_rate_to_cny,
        coalesce(spend_fx.is_carried_forward, false) as is_fx_carried_forward,
        (mapped.amount is not null and spend_fx.currency is not null and spend_fx.rate_to_cny is null) as is_fx_missing
    from mapped
    left join fx_rates as spend_fx
        on
            mapped.currency = spend_fx.currency
            and mapped.currency <> 'CNY'
            and mapped.month >= spend_fx.from_month
            and mapped.month < spend_fx.until_month
),

checked as {{ commops.inline_cte() }} (
    select
        converted.*,
        {{ commops.reject_reason(
            required=['spend_id_text', 'spend_date_text', 'cost_center_text', 'category_text', 'amount_text', 'currency_text'],
            dates=[('spend_date_text', 'spend_date')],
            amounts=[('amount_text', 'amount')],
            checks=[
                ('not is_known_currency', 'unknown_currency'),
                ('is_fx_missing', 'missing_fx_rate'),
                ('category is null', 'unknown_category'),
                ('not ' ~ commops.is_known_code('cost_center', 'cost_center'), 'unknown_cost_center'),
            ],
        ) }} as row_reason
    from converted
),

key_conflicts as (
    {{ commops.conflicting_keys('checked', 'row_reason', 'spend_id_text') }}
),

keyed as (
    select
        checked.*,
        {{ commops.with_key_conflicts('checked.row_reason', 'key_conflicts.conflicting_key') }}
            as reject_reason
    from checked
    left join key_conflicts
        on checked.spend_id_text = key_conflicts.conflicting_key
),

final as (
    select
        spend_id_text as spend_id,
        spend_date,
        month,
        cost_center,
        category_text as category_label,
        category,
        channel_text as channel_label,
        channel,
        channel_name_zh,
        is_channel_unmapped,
        campaign_id_text as campaign_id,
        vendor_text as vendor,
        amount,
        currency,
        fx_rate_to_cny,
        amount * fx_rate_to_cny as amount_cny,
        is_fx_carried_forward,
        invoice_no_text as invoice_no,
        module,
        content_id_text as content_id,
        {{ commops.is_unknown_code('module', 'spend_module') }} as has_unknown_code,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('spend', 'reject_reason') }} as raw_record
    from keyed
)

select * from final
