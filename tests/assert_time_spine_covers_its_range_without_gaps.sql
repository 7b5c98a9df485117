-- Holds on any data: time_spine_daily has exactly one row per day from var
-- time_spine_start_date to the day before var time_spine_end_date. Returns a row when its
-- count, first or last day is off.
with

spine as (
    select * from {{ ref('time_spine_daily') }}
),

spine_stats as (
    select
        count(*) as days,
        count(distinct date_day) as distinct_days,
        min(date_day) as first_day,
        max(date_day) as last_day
    from spine
),

expected as (
    select
        cast('{{ var("time_spine_start_date") }}' as date) as first_day,
        {{ commops.days_after("cast('" ~ var('time_spine_end_date') ~ "' as date)", '-1') }} as last_day
),

final as (
    select
        spine_stats.days,
        spine_stats.distinct_days,
        spine_stats.first_day,
        spine_stats.last_day,
        expected.first_day as expected_first_day,
        expected.last_day as expected_last_day
    from spine_stats
    cross join expected
    where
        spine_stats.days <> spine_stats.distinct_days
        or spine_stats.first_day is distinct from expected.first_day
        or spine_stats.last_day is distinct from expected.last_day
        or spine_stats.days <> {{ dbt.datediff('expected.first_day', 'expected.last_day', 'day') }} + 1
)

select * from final
