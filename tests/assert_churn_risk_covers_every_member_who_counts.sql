{#- mart_churn_risk holds exactly the members who count (int_members_counted), the same set as
    fct_member_funnel. -#}
with

churn as (
    select * from {{ ref('mart_churn_risk') }}
),

funnel as (
    select * from {{ ref('fct_member_funnel') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

missing_from_churn as (
    select
        'missing_from_churn' as problem,
        members.member_id
    from members
    left join churn
        on members.member_id = churn.member_id
    where churn.member_id is null
),

extra_in_churn as (
    select
        'extra_in_churn' as problem,
        churn.member_id
    from churn
    left join members
        on churn.member_id = members.member_id
    where members.member_id is null
),

missing_from_funnel as (
    select
        'missing_from_funnel' as problem,
        members.member_id
    from members
    left join funnel
        on members.member_id = funnel.member_id
    where funnel.member_id is null
),

extra_in_funnel as (
    select
        'extra_in_funnel' as problem,
        funnel.member_id
    from funnel
    left join members
        on funnel.member_id = members.member_id
    where members.member_id is null
),

final as (
    select
        problem,
        member_id
    from missing_from_churn
    union all
    select
        problem,
        member_id
    from extra_in_churn
    union all
    select
        problem,
        member_id
    from missing_from_funnel
    union all
    select
        problem,
        member_id
    from extra_in_funnel
)

select * from final
