{#- One row per member who counts, with activated_at: the first active event at or after
    joined_at dated within activation_window_days (and conversion_window_days) of joined_date
    (CONTRACT §5 Funnel). -#}
with

members as (
    select * from {{ ref('int_members_counted') }}
),

activity as (
    select * from {{ ref('int_member_activity_daily') }}
),

activity_in_window as (
    select
        activity.member_id,
        activity.first_active_at
    from activity
    inner join members
        on activity.member_id = members.member_id
    where
        activity.first_active_at >= members.joined_at
        and {{ dbt.datediff('members.joined_date', 'activity.activity_date', 'day') }}
        <= {{ var('activation_window_days') }}
        and {{ dbt.datediff('members.joined_date', 'activity.activity_date', 'day') }}
        <= {{ var('conversion_window_days') }}
),

first_activation as (
    select
        member_id,
        min(first_active_at) as activated_at
    from activity_in_window
    group by member_id
),

final as (
    select
        members.member_id,
        members.joined_at,
        members.joined_date,
        members.cohort_month,
        members.channel,
        members.member_type,
        first_activation.activated_at
    from members
    left join first_activation
        on members.member_id = first_activation.member_id
)

select * from final
