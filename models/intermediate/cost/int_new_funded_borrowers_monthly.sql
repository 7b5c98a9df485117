{#- One row per month and channel with at least one new funded borrower (CONTRACT §5): members
    who count whose first disbursement date (on or before as_of_date, any loan of theirs,
    flagged loans included) is in that month, under their acquisition channel. -#}
with

loans as (
    select * from {{ ref('int_loans_as_of') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

first_disbursements as (
    select
        member_id,
        min(cast(disbursed_at as date)) as first_disbursed_date
    from loans
    where
        disbursed_at is not null
        and is_member_counted
    group by member_id
),

borrowers as (
    select
        {{ commops.month_of('first_disbursements.first_disbursed_date') }} as month,
        members.channel,
        first_disbursements.member_id
    from first_disbursements
    inner join members
        on first_disbursements.member_id = members.member_id
),

final as (
    select
        month,
        channel,
        count(*) as new_funded_borrowers
    from borrowers
    group by month, channel
)

select * from final
