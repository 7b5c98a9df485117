{#- One row per member who counts and month with a revenue item (CONTRACT §5, every kind: loan
    and order items) dated in it, on or before as_of_date, whatever the member's membership
    that month: the member-month revenue that mart_kpi_monthly (paying and repeat paying
    members) and mart_referral_monthly share. -#}
with

revenue as (
    select * from {{ ref('int_revenue_as_of') }}
),

final as (
    select
        member_id,
        month,
        sum(amount_cny) as revenue_cny
    from revenue
    where is_member_counted
    group by member_id, month
)

select * from final
