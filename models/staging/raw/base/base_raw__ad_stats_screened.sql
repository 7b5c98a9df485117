{#- Every distinct raw ad-delivery row, parsed, with the reason it is rejected (null when
    staged). The export has no id column: its key, ad_stat_key, is `<campaign_id>|<stat_date>`
    with stat_date written YYYY-MM-DD when it parses and as its trimmed text when it does not,
    so one campaign day spelled two ways is one key (CONTRACT §2). Empty impressions, clicks and
    platform_spend read as 0; an empty platform_spend needs no FX rate. -#}
with

raw as {{ commops.inline_cte() }} (
    select * from {{ ref('base_raw__ad_stats') }}
),

channel_map as (
    select * from {{ ref('stg_reference__channel_map') }}
),

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates_monthly') }}
),

trimmed as (
    select
        {{ commops.raw_and_trimmed('ad_stats', 'raw') }}
        raw.raw_copies,
        raw.key_shared
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_date('stat_date_text') }} as stat_date,
        {{ commops.parse_integer('impressions_text') }} as impressions_value,
        {{ commops.parse_integer('clicks_text') }} as clicks_value,
        {{ commops.parse_amount('platform_spend_text') }} as platform_spend_value,
        upper(currency_text) as currency
    from trimmed
),

keyed_text as (
    select
        parsed.*,
        case
            when parsed.campaign_id_text is not null and parsed.stat_date_text is not null
                then parsed.campaign_id_text || '|' || coalesce(cast(parsed.stat_date as {{ dbt.type_string() }}), parsed.stat_date_text)
        end as ad_stat_key
    from parsed
),

mapped as (
    select
        keyed_text.*,
        {{ commops.month_of('keyed_text.stat_date') }} as month,
        coalesce(channel_map.channel, 'unknown') as channel,
        coalesce(channel_map.channel_name_zh, '未知') as channel_name_zh,
        keyed_text.channel_text is not null and channel_map.label_key is null as is_channel_unmapped
    from keyed_text
    left join channel_map
        on lower(keyed_text.channel_text) = channel_map.label_key
),

converted as (
    select
        mapped.*,
        mapped.currency = 'CNY' or ad_fx.currency is not null as is_known_currency,
        case when mapped.currency = 'CNY' then 1.0 else ad_fx.rate_to_cny end as fx_rate_to_cny,
        coalesce(ad_fx.is_carried_forward and mapped.platform_spend_value is not null, false) as is_fx_carried_forward,
        (mapped.platform_spend_value is not null and ad_fx.currency is not null and ad_fx.rate_to_cny is null)
            as is_fx_missing
    from mapped
    left join fx_rates as ad_fx
        on
            mapped.currency = ad_fx.currency
            and mapped.currency <> 'CNY'
            and mapped.month >= ad_fx.from_month
            and mapped.month < ad_fx.until_month
),

checked as {{ commops.inline_cte() }} (
    select
        converted.*,
        {{ commops.reject_reason(
            required=['stat_date_text', 'channel_text', 'campaign_id_text', 'currency_text'],
            dates=[('stat_date_text', 'stat_date')],
            amounts=[
                ('impressions_text', 'impressions_value'),
                ('clicks_text', 'clicks_value'),
                ('platform_spend_text', 'platform_spend_value'),
            ],
            checks=[
                ('not is_known_currency', 'unknown_currency'),
                ('is_fx_missing', 'missing_fx_rate'),
            ],
        ) }} as row_reason
    from converted
),

key_conflicts as (
    {{ commops.conflicting_keys('checked', 'row_reason', 'ad_stat_key') }}
),

keyed as (
    select
        checked.*,
        {{ commops.with_key_conflicts('checked.row_reason', 'key_conflicts.conflicting_key') }}
            as reject_reason
    from checked
    left join key_conflicts
        on checked.ad_stat_key = key_conflicts.conflicting_key
),

final as (
    select
        ad_stat_key,
        stat_date,
        month,
        channel_text as channel_label,
        channel,
        channel_name_zh,
        is_channel_unmapped,
        campaign_id_text as campaign_id,
        coalesce(impressions_value, 0) as impressions,
        coalesce(clicks_value, 0) as clicks,
        coalesce(platform_spend_value, 0) as platform_spend,
        currency,
        fx_rate_to_cny,
        coalesce(platform_spend_value * fx_rate_to_cny, 0) as platform_spend_cny,
        is_fx_carried_forward,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('ad_stats', 'reject_reason') }} as raw_record
    from keyed
)

select * from final
