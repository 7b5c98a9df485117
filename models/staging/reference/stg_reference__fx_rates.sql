with

source as (
    select * from {{ ref('fx_rates') }}
),

final as (
    select
        upper({{ commops.trimmed('currency') }}) as currency,
        cast(month as date) as month,
        cast(rate_to_cny as double) as rate_to_cny
    from source
)

select * from final
