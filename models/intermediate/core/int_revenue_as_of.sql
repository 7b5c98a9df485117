{#- One row per revenue item dated on or before as_of_date, with the member's cohort and
    channel when the member counts. -#}
with

revenue as (
    select * from {{ ref('int_revenue_itemized') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        revenue.revenue_id,
        revenue.loan_id,
        revenue.member_id,
        revenue.revenue_date,
        revenue.month,
        revenue.kind,
        revenue.amount_cny,
        members.cohort_month,
        members.channel,
        members.member_id is not null as is_member_counted
    from revenue
    cross join as_of
    left join members
        on revenue.member_id = members.member_id
    where revenue.revenue_date <= as_of.as_of_date
)

select * from final
