{#- One row per member who counts, joined on or before as_of_date: recent activity, engagement
    trend, churn risk level and open-loan exposure (CONTRACT §5 Retention, lifecycle, churn). -#}
{#- The window lengths are part of the column names (events_last_14d, events_prev_28d), so they
    are fixed here rather than vars. -#}
{%- set recent_days = 14 -%}
{%- set previous_days = 28 -%}
with

members as (
    select * from {{ ref('int_members_counted') }}
),

activity as (
    select * from {{ ref('int_member_activity_daily') }}
),

loans as (
    select * from {{ ref('int_loans_as_of') }}
),

repayments as (
    select * from {{ ref('int_repayments_as_of') }}
),

activity_aged as (
    select
        activity.member_id,
        activity.activity_date,
        activity.active_events,
        {{ dbt.datediff('activity.activity_date', 'members.as_of_date', 'day') }} as days_before_as_of
    from activity
    inner join members
        on activity.member_id = members.member_id
    where activity.activity_date <= members.as_of_date
),

member_activity as (
    select
        member_id,
        max(activity_date) as last_active_date,
        sum(case when days_before_as_of < {{ recent_days }} then active_events else 0 end) as events_last_14d,
        sum(
            case
                when days_before_as_of >= {{ recent_days }}
                    and days_before_as_of < {{ recent_days + previous_days }}
                    then active_events
                else 0
            end
        ) as events_prev_28d
    from activity_aged
    group by member_id
),

-- a loan disbursed on or before as_of_date (int_loans_as_of nulls later disbursements) and
-- still open or overdue as exported
open_loans as (
    select
        loans.loan_id,
        loans.member_id
    from loans
    inner join members
        on loans.member_id = members.member_id
    where
        loans.disbursed_at is not null
        and loans.status in ('open', 'overdue')
),

open_loan_exposure as (
    select
        open_loans.member_id,
        sum(case when repayments.paid_at is null then repayments.principal_cny else 0 end)
            as outstanding_principal_cny
    from open_loans
    left join repayments
        on open_loans.loan_id = repayments.loan_id
    group by open_loans.member_id
),

measured as (
    select
        members.member_id,
        members.as_of_date,
        members.channel,
        members.left_date,
        member_activity.last_active_date,
        {{ dbt.datediff('coalesce(member_activity.last_active_date, members.joined_date)', 'members.as_of_date', 'day') }}
            as days_since_last_activity,
        cast(coalesce(member_activity.events_last_14d, 0) as bigint) as events_last_14d,
        cast(coalesce(member_activity.events_prev_28d, 0) as bigint) as events_prev_28d,
        open_loan_exposure.member_id is not null as has_open_loan,
        coalesce(open_loan_exposure.outstanding_principal_cny, 0) as outstanding_principal_cny
    from members
    left join member_activity
        on members.member_id = member_activity.member_id
    left join open_loan_exposure
        on members.member_id = open_loan_exposure.member_id
),

trended as (
    select
        measured.*,
        -- (events_last_14d / 14) / (events_prev_28d / 28) as one division of two integers, so
        -- that a trend of exactly 0.8 (2 and 5 events) is 0.8 and not 0.7999999999999999
        case
            when events_prev_28d > 0
                then cast(events_last_14d * {{ previous_days }} as double)
                    / cast(events_prev_28d * {{ recent_days }} as double)
        end as engagement_trend
    from measured
),

final as (
    select
        member_id,
        as_of_date,
        channel,
        last_active_date,
        cast(days_since_last_activity as bigint) as days_since_last_activity,
        events_last_14d,
        events_prev_28d,
        engagement_trend,
        -- the first level that applies; a null trend (no events in the previous 28 days) reads as 1
        case
            when left_date <= as_of_date
                or days_since_last_activity >= {{ var('churn_inactivity_days') }}
                then 'churned'
            when coalesce(engagement_trend, 1) < {{ var('churn_high_trend_below') }}
                or days_since_last_activity >= {{ var('churn_high_inactivity_days') }}
                then 'high'
            when coalesce(engagement_trend, 1) < {{ var('churn_medium_trend_below') }}
                then 'medium'
            else 'low'
        end as risk_level,
        has_open_loan,
        cast(outstanding_principal_cny as double) as outstanding_principal_cny
    from trended
)

select * from final
