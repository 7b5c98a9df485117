{#- Referrals (推荐有礼) per month of the range (CONTRACT §7): referred members (members who count
    with a non-empty referrer_member_id), what the referral module cost (spend lines of module
    referral dated on or before as_of_date), the referred members funded and their revenue. -#}
with

month_spine as (
    select * from {{ ref('int_retention_month_spine') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

loans as (
    select * from {{ ref('int_loans_as_of') }}
),

revenue_monthly as (
    select * from {{ ref('int_member_revenue_monthly') }}
),

spend as (
    select * from {{ ref('int_spend_as_of') }}
),

referred_members as (
    select
        member_id,
        cohort_month,
        referrer_member_id
    from members
    where referrer_member_id is not null
),

referred_joins as (
    select
        cohort_month as month,
        count(*) as referred_new_members,
        count(distinct referrer_member_id) as referrers
    from referred_members
    group by cohort_month
),

referral_spend as (
    select
        month,
        sum(amount_cny) as referral_spend_cny
    from spend
    where module = 'referral'
    group by month
),

-- A disbursement after as_of_date has not happened yet (int_loans_as_of).
first_disbursements as (
    select
        loans.member_id,
        min(cast(loans.disbursed_at as date)) as first_disbursed_date
    from loans
    inner join referred_members
        on loans.member_id = referred_members.member_id
    where loans.disbursed_at is not null
    group by loans.member_id
),

referred_borrowers as (
    select
        {{ commops.month_of('first_disbursed_date') }} as month,
        count(*) as referred_funded_borrowers
    from first_disbursements
    group by {{ commops.month_of('first_disbursed_date') }}
),

referred_revenue as (
    select
        revenue_monthly.month,
        sum(revenue_monthly.revenue_cny) as referred_revenue_cny
    from revenue_monthly
    inner join referred_members
        on revenue_monthly.member_id = referred_members.member_id
    group by revenue_monthly.month
),

monthly as (
    select
        month_spine.month,
        cast(coalesce(referred_joins.referred_new_members, 0) as bigint) as referred_new_members,
        cast(coalesce(referred_joins.referrers, 0) as bigint) as referrers,
        cast(coalesce(referral_spend.referral_spend_cny, 0) as double) as referral_spend_cny,
        cast(coalesce(referred_borrowers.referred_funded_borrowers, 0) as bigint) as referred_funded_borrowers,
        cast(coalesce(referred_revenue.referred_revenue_cny, 0) as double) as referred_revenue_cny
    from month_spine
    left join referred_joins
        on month_spine.month = referred_joins.month
    left join referral_spend
        on month_spine.month = referral_spend.month
    left join referred_borrowers
        on month_spine.month = referred_borrowers.month
    left join referred_revenue
        on month_spine.month = referred_revenue.month
),

final as (
    select
        month,
        referred_new_members,
        referrers,
        referral_spend_cny,
        case
            when referred_new_members > 0 then referral_spend_cny / referred_new_members
        end as cost_per_referred_member_cny,
        referred_funded_borrowers,
        case
            when referred_funded_borrowers > 0 then referral_spend_cny / referred_funded_borrowers
        end as cost_per_referred_funded_borrower_cny,
        referred_revenue_cny
    from monthly
)

select
    month,
    referred_new_members,
    referrers,
    referral_spend_cny,
    cost_per_referred_member_cny,
    referred_funded_borrowers,
    cost_per_referred_funded_borrower_cny,
    referred_revenue_cny
from final
