{#- One row per month from the first cohort month of a member who counts to the month of
    as_of_date, no gaps (the months of int_retention_date_spine, built from the same bounds and
    not from it, so that the marts reading months sit one model closer to the raw data). -#}
with

members as (
    select * from {{ ref('int_members_counted') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

month_offsets as (
    {{ commops.month_offsets() }}
),

bounds as (
    select {{ commops.month_of('min(members.joined_date)') }} as first_month
    from members
    -- no row (and no spine) when no member counts
    having count(*) > 0
),

final as (
    select {{ commops.months_after('bounds.first_month', 'month_offsets.month_offset') }} as month
    from bounds
    cross join as_of
    inner join month_offsets
        on
            {{ commops.months_after('bounds.first_month', 'month_offsets.month_offset') }}
            <= {{ commops.month_of('as_of.as_of_date') }}
)

select * from final
