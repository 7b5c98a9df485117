{#- One row per staged spend line with is_suspect and suspect_reasons (CONTRACT §6); a line
    without a channel is a shared cost of its cost center (channel `shared`). -#}
with

spend as (
    select * from {{ ref('stg_raw__spend') }}
),

spend_flags as (
    select * from {{ ref('int_spend_flags') }}
),

spend_reasons as (
    {{ commops.suspect_reasons('spend_flags', 'spend_id') }}
),

final as (
    select
        spend.spend_id,
        spend.spend_date,
        spend.month,
        spend.cost_center,
        spend.category,
        coalesce(spend.channel, 'shared') as channel,
        spend.campaign_id,
        spend.module,
        spend.content_id,
        spend.vendor,
        spend.currency,
        spend.amount,
        spend.amount_cny,
        spend_reasons.suspect_reasons is not null as is_suspect,
        spend_reasons.suspect_reasons
    from spend
    left join spend_reasons
        on spend.spend_id = spend_reasons.spend_id
)

select * from final
