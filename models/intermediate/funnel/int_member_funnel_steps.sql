{#- One row per member who counts, with the timestamp of each funnel step (CONTRACT §5 Funnel),
    activation first: activated_at is the first active event at or after joined_at dated within
    activation_window_days (and conversion_window_days) of joined_date. Each later step is at
    or after the one before it and dated within conversion_window_days of joined_date; a step
    not reached is null, and so is every step after it. fct_member_funnel publishes it and
    mart_funnel_monthly counts it. -#}
with

counted_members as (
    select * from {{ ref('int_members_counted') }}
),

activity as (
    select * from {{ ref('int_member_activity_daily') }}
),

loans as (
    select * from {{ ref('int_loans_as_of') }}
),

activity_in_window as (
    select
        activity.member_id,
        activity.first_active_at
    from activity
    inner join counted_members
        on activity.member_id = counted_members.member_id
    where
        activity.first_active_at >= counted_members.joined_at
        and {{ dbt.datediff('counted_members.joined_date', 'activity.activity_date', 'day') }}
        <= {{ var('activation_window_days') }}
        and {{ dbt.datediff('counted_members.joined_date', 'activity.activity_date', 'day') }}
        <= {{ var('conversion_window_days') }}
),

first_activation as (
    select
        member_id,
        min(first_active_at) as activated_at
    from activity_in_window
    group by member_id
),

-- The members who count with their activation: the first step of the funnel.
members as (
    select
        counted_members.member_id,
        counted_members.joined_at,
        counted_members.joined_date,
        counted_members.cohort_month,
        counted_members.channel,
        counted_members.member_type,
        first_activation.activated_at
    from counted_members
    left join first_activation
        on counted_members.member_id = first_activation.member_id
),

member_loans as (
    select
        loans.loan_id,
        loans.member_id,
        loans.applied_at,
        loans.decision,
        loans.decided_at,
        loans.disbursed_at,
        members.joined_date
    from loans
    inner join members
        on loans.member_id = members.member_id
),

applications as (
    select
        members.member_id,
        min(member_loans.applied_at) as applied_at
    from members
    inner join member_loans
        on members.member_id = member_loans.member_id
    where
        -- funnel_requires_activation: the application must follow activation, else joining
        member_loans.applied_at >= case
            when {{ var('funnel_requires_activation') }} then members.activated_at
            else members.joined_at
        end
        and {{ dbt.datediff('member_loans.joined_date', 'cast(member_loans.applied_at as date)', 'day') }}
        <= {{ var('conversion_window_days') }}
    group by members.member_id
),

funnel_loans as (
    select
        member_loans.loan_id,
        member_loans.member_id,
        member_loans.decided_at,
        member_loans.disbursed_at,
        member_loans.joined_date
    from member_loans
    inner join applications
        on member_loans.member_id = applications.member_id
    where
        member_loans.applied_at >= applications.applied_at
        and member_loans.decision = 'approved'
),

approvals as (
    select
        funnel_loans.member_id,
        min(funnel_loans.decided_at) as approved_at
    from funnel_loans
    inner join applications
        on funnel_loans.member_id = applications.member_id
    where
        funnel_loans.decided_at >= applications.applied_at
        and {{ dbt.datediff('funnel_loans.joined_date', 'cast(funnel_loans.decided_at as date)', 'day') }}
        <= {{ var('conversion_window_days') }}
    group by funnel_loans.member_id
),

disbursements_ranked as (
    select
        funnel_loans.member_id,
        funnel_loans.disbursed_at,
        row_number() over (
            partition by funnel_loans.member_id
            order by funnel_loans.disbursed_at, funnel_loans.loan_id
        ) as disbursement_number
    from funnel_loans
    inner join approvals
        on funnel_loans.member_id = approvals.member_id
    where
        funnel_loans.disbursed_at >= approvals.approved_at
        and {{ dbt.datediff('funnel_loans.joined_date', 'cast(funnel_loans.disbursed_at as date)', 'day') }}
        <= {{ var('conversion_window_days') }}
),

-- funded: the first disbursement; repeat: the next one, of another funnel loan
fundings as (
    select
        member_id,
        min(case when disbursement_number = 1 then disbursed_at end) as funded_at,
        min(case when disbursement_number = 2 then disbursed_at end) as repeat_funded_at
    from disbursements_ranked
    group by member_id
),

final as (
    select
        members.member_id,
        members.cohort_month,
        members.channel,
        members.member_type,
        members.joined_at,
        members.activated_at,
        applications.applied_at,
        approvals.approved_at,
        fundings.funded_at,
        fundings.repeat_funded_at,
        case
            when fundings.repeat_funded_at is not null then 'repeat_funded'
            when fundings.funded_at is not null then 'funded'
            when approvals.approved_at is not null then 'approved'
            when applications.applied_at is not null then 'applied'
            when members.activated_at is not null then 'activated'
            else 'joined'
        end as furthest_step
    from members
    left join applications
        on members.member_id = applications.member_id
    left join approvals
        on members.member_id = approvals.member_id
    left join fundings
        on members.member_id = fundings.member_id
)

select * from final
