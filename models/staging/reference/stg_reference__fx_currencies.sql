with

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates') }}
),

last_months as (
    select
        currency,
        max(month) as last_month
    from fx_rates
    group by currency
),

final as (
    select
        last_months.currency,
        last_months.last_month,
        fx_rates.rate_to_cny as last_rate_to_cny
    from last_months
    inner join fx_rates
        on last_months.currency = fx_rates.currency and last_months.last_month = fx_rates.month
)

select * from final
