{#- One row per date from the earliest joined_date of a member who counts to as_of_date, no gaps
    (CONTRACT §4, mart_engagement_daily). dbt.generate_series needs its bound at compile time,
    so the spine is cut from max_days offsets (about 273 years); the singular test
    assert_engagement_date_spine_has_no_gaps fails if that were ever too few. -#}
{%- set max_days = 100000 -%}

with

members as (
    select * from {{ ref('int_members_counted') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

day_offsets as (
    {{ dbt.generate_series(max_days) }}
),

bounds as (
    select min(members.joined_date) as first_date
    from members
    -- no row (and no spine) when no member counts
    having count(*) > 0
),

final as (
    select
        {{ commops.days_after('bounds.first_date', 'day_offsets.generated_number - 1') }} as activity_date
    from bounds
    cross join as_of
    inner join day_offsets
        on
            day_offsets.generated_number - 1
            <= {{ dbt.datediff('bounds.first_date', 'as_of.as_of_date', 'day') }}
)

select * from final
