{#- Which rate converts an amount of a month to CNY (CONTRACT §2): one row per currency and
    span of months [from_month, until_month) that share one rate, so that every month of a
    currency of the seed falls in exactly one span. A month of the seed has its rate; a month
    between two of the seed, or before its first, has none (an amount there is
    missing_fx_rate); every month after its last takes the last rate, carried forward. The
    open ends are 0001-01-01 and 9999-12-31, so that a screened model joins it with a plain
    range. CNY is not converted and never looked up here. It reads the seed itself, typed as
    stg_reference__fx_rates types it, so that the screened models sit one model closer to
    the seed. -#}
with

source as (
    select * from {{ ref('fx_rates') }}
),

fx_rates as (
    select
        upper({{ commops.trimmed('currency') }}) as currency,
        cast(month as date) as month,
        cast(rate_to_cny as double) as rate_to_cny
    from source
),

ordered as (
    select
        currency,
        month,
        rate_to_cny,
        {{ commops.months_after('month', 1) }} as next_month,
        lead(month) over (partition by currency order by month) as next_seed_month
    from fx_rates
),

spans as (
    select
        currency,
        month as from_month,
        next_month as until_month,
        rate_to_cny,
        false as is_carried_forward
    from ordered
    union all
    -- Months the seed skips.
    select
        currency,
        next_month as from_month,
        next_seed_month as until_month,
        cast(null as double) as rate_to_cny,
        false as is_carried_forward
    from ordered
    where next_seed_month > next_month
    union all
    select
        currency,
        cast('0001-01-01' as date) as from_month,
        min(month) as until_month,
        cast(null as double) as rate_to_cny,
        false as is_carried_forward
    from ordered
    group by currency
    union all
    select
        currency,
        next_month as from_month,
        cast('9999-12-31' as date) as until_month,
        rate_to_cny,
        true as is_carried_forward
    from ordered
    where next_seed_month is null
),

final as (
    select
        currency,
        from_month,
        until_month,
        rate_to_cny,
        is_carried_forward
    from spans
)

select * from final
