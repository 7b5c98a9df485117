{#- One row per calendar day from time_spine_start_date (included) to time_spine_end_date
    (excluded): MetricFlow's time spine (models/semantic/_semantic__models.yml declares it with
    `time_spine:`). MetricFlow reads it for a metric that looks back a month
    (marginal_engaged_per_10k_cny) and to fill the days of a time series. -#}
with

days as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('time_spine_start_date') ~ "' as date)",
        end_date="cast('" ~ var('time_spine_end_date') ~ "' as date)",
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select date_day
from final
