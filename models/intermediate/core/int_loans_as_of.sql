{#- One row per loan applied on or before as_of_date, as it stood then: a decision or
    disbursement dated after as_of_date has not happened yet (its timestamp is null; amounts
    keep their staged CNY values). is_member_counted says whether its member counts. -#}
with

loans as (
    select * from {{ ref('int_loans_flagged') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        loans.loan_id,
        loans.member_id,
        loans.product,
        loans.applied_at,
        loans.decision,
        case when cast(loans.decided_at as date) <= as_of.as_of_date then loans.decided_at end as decided_at,
        case when cast(loans.disbursed_at as date) <= as_of.as_of_date then loans.disbursed_at end as disbursed_at,
        loans.requested_amount_cny,
        loans.approved_amount_cny,
        loans.disbursed_amount_cny,
        loans.origination_fee_cny,
        loans.status,
        loans.is_suspect,
        members.member_id is not null as is_member_counted,
        as_of.as_of_date
    from loans
    cross join as_of
    left join members
        on loans.member_id = members.member_id
    where cast(loans.applied_at as date) <= as_of.as_of_date
)

select * from final
