{#- One row per month and channel with at least one new member who counts (CONTRACT §5): the
    members who count (int_members_counted, so the as_of cut and the suspect rule apply)
    whose joined_date is in that month. Shared spend is allocated by these counts. -#}
with

members as (
    select * from {{ ref('int_members_counted') }}
),

final as (
    select
        cohort_month as month,
        channel,
        count(*) as new_members
    from members
    group by cohort_month, channel
)

select * from final
