{#- One row per calendar day from time_spine_start_date (included) to time_spine_end_date
    (excluded): MetricFlow's time spine (models/semantic/_semantic__models.yml declares it with
    `time_spine:`). MetricFlow reads it for a metric that looks back a month
    (marginal_engaged_per_10k_cny) and to fill the days of a time series. Built from day offsets
    with commops.days_after, not dbt.date_spine: on the project's local Spark target, dbt.date_spine
    (through dbt.dateadd) gives days that fail assert_time_spine_covers_its_range_without_gaps.
    The number of days is known at compile time. -#}
{%- set first_day = modules.datetime.date.fromisoformat(var('time_spine_start_date')) -%}
{%- set end_day = modules.datetime.date.fromisoformat(var('time_spine_end_date')) -%}
{%- set days = (end_day - first_day).days -%}
with

day_offsets as (
    {{ dbt.generate_series(days) }}
),

final as (
    select
        {{ commops.days_after("cast('" ~ first_day ~ "' as date)", 'generated_number - 1') }} as date_day
    from day_offsets
)

select date_day
from final
