{#- Community operations against customer service (社群运营 vs 客服运营) per month of the range
    (CONTRACT §7): what each cost center spent (dated on or before as_of_date), what it served
    (active month members; every ticket opened in the month, a non-member's or a suspect
    member's included), the service levels of the month's tickets as they stood on as_of_date,
    and how the members each kept: engaged members (active) against service-only members (a
    ticket, no active event), retained when the next month has an active event or a ticket. The
    rates' numerators come last (resolved_within_target_tickets, rated_tickets and csat_total,
    the retained members), so that the semantic layer sums them (models/semantic/). -#}
with

month_spine as (
    select * from {{ ref('int_retention_month_spine') }}
),

members as (
    select * from {{ ref('int_members_counted') }}
),

member_months as (
    select * from {{ ref('int_members_counted_monthly') }}
),

activity_monthly as (
    select * from {{ ref('int_member_activity_monthly') }}
),

tickets as (
    select * from {{ ref('int_tickets_timed') }}
),

spend as (
    select * from {{ ref('int_spend_as_of') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

cost_center_spend as (
    select
        month,
        sum(case when cost_center = 'community' then amount_cny else 0 end) as community_spend_cny,
        sum(case when cost_center = 'customer_service' then amount_cny else 0 end) as service_spend_cny
    from spend
    group by month
),

active_month_members as (
    select
        month,
        sum(case when is_active then 1 else 0 end) as active_members
    from member_months
    group by month
),

-- A ticket opened after as_of_date is not seen; a response or resolution after it has not
-- happened yet.
tickets_as_of as (
    select
        tickets.ticket_id,
        tickets.member_id,
        tickets.month,
        tickets.csat,
        case
            when
                cast(tickets.first_response_at as date) <= as_of.as_of_date
                and not tickets.is_response_before_opened
                then tickets.first_response_minutes
        end as first_response_minutes,
        coalesce(
            cast(tickets.resolved_at as date) <= as_of.as_of_date
            and not tickets.is_resolved_before_opened
            and tickets.resolution_hours <= {{ var('ticket_resolution_hours') }},
            false
        ) as is_resolved_within_target
    from tickets
    cross join as_of
    where tickets.opened_date <= as_of.as_of_date
),

service_levels as (
    select
        month,
        count(*) as tickets,
        count(distinct member_id) as served_members,
        {{ commops.median('first_response_minutes') }} as median_first_response_minutes,
        sum(case when is_resolved_within_target then 1 else 0 end) as resolved_within_target,
        count(csat) as rated_tickets,
        sum(csat) as csat_total
    from tickets_as_of
    group by month
),

member_tickets as (
    select distinct
        tickets_as_of.member_id,
        tickets_as_of.month
    from tickets_as_of
    inner join members
        on tickets_as_of.member_id = members.member_id
),

-- A member who counts touches a month with an active event or a ticket opened in it.
member_touches as (
    select
        member_id,
        activity_month as month
    from activity_monthly
    union
    select
        member_id,
        month
    from member_tickets
),

compared_members as (
    select
        activity_monthly.member_id,
        activity_monthly.activity_month as month,
        true as is_engaged
    from activity_monthly
    union all
    select
        member_tickets.member_id,
        member_tickets.month,
        false as is_engaged
    from member_tickets
    left join activity_monthly
        on
            member_tickets.member_id = activity_monthly.member_id
            and member_tickets.month = activity_monthly.activity_month
    where activity_monthly.member_id is null
),

retention as (
    select
        compared_members.month,
        sum(case when compared_members.is_engaged then 1 else 0 end) as engaged_members,
        sum(case when compared_members.is_engaged and next_touches.member_id is not null then 1 else 0 end)
            as retained_engaged_members,
        sum(case when not compared_members.is_engaged then 1 else 0 end) as service_only_members,
        sum(case when not compared_members.is_engaged and next_touches.member_id is not null then 1 else 0 end)
            as retained_service_only_members
    from compared_members
    left join member_touches as next_touches
        on
            compared_members.member_id = next_touches.member_id
            and {{ commops.months_after('compared_members.month', 1) }} = next_touches.month
    group by compared_members.month
),

monthly as (
    select
        month_spine.month,
        cast(coalesce(cost_center_spend.community_spend_cny, 0) as double) as community_spend_cny,
        cast(coalesce(cost_center_spend.service_spend_cny, 0) as double) as service_spend_cny,
        cast(coalesce(active_month_members.active_members, 0) as bigint) as active_members,
        cast(coalesce(service_levels.tickets, 0) as bigint) as tickets,
        cast(coalesce(service_levels.served_members, 0) as bigint) as served_members,
        service_levels.median_first_response_minutes,
        coalesce(service_levels.resolved_within_target, 0) as resolved_within_target,
        coalesce(service_levels.rated_tickets, 0) as rated_tickets,
        coalesce(service_levels.csat_total, 0) as csat_total,
        cast(coalesce(retention.engaged_members, 0) as bigint) as engaged_members,
        coalesce(retention.retained_engaged_members, 0) as retained_engaged_members,
        cast(coalesce(retention.service_only_members, 0) as bigint) as service_only_members,
        coalesce(retention.retained_service_only_members, 0) as retained_service_only_members,
        -- the as_of month has no next month yet
        month_spine.month = {{ commops.month_of('as_of.as_of_date') }} as is_as_of_month
    from month_spine
    cross join as_of
    left join cost_center_spend
        on month_spine.month = cost_center_spend.month
    left join active_month_members
        on month_spine.month = active_month_members.month
    left join service_levels
        on month_spine.month = service_levels.month
    left join retention
        on month_spine.month = retention.month
),

final as (
    select
        month,
        community_spend_cny,
        service_spend_cny,
        active_members,
        tickets,
        served_members,
        case when active_members > 0 then community_spend_cny / active_members end
            as community_cost_per_active_member_cny,
        case when tickets > 0 then service_spend_cny / tickets end as service_cost_per_ticket_cny,
        case when served_members > 0 then service_spend_cny / served_members end
            as service_cost_per_served_member_cny,
        median_first_response_minutes,
        case when tickets > 0 then cast(resolved_within_target as double) / tickets end
            as resolved_within_target_rate,
        case when rated_tickets > 0 then cast(csat_total as double) / rated_tickets end as avg_csat,
        engaged_members,
        case
            when not is_as_of_month and engaged_members > 0
                then cast(retained_engaged_members as double) / engaged_members
        end as community_retention_rate,
        service_only_members,
        case
            when not is_as_of_month and service_only_members > 0
                then cast(retained_service_only_members as double) / service_only_members
        end as service_only_retention_rate,
        cast(resolved_within_target as bigint) as resolved_within_target_tickets,
        cast(rated_tickets as bigint) as rated_tickets,
        cast(csat_total as bigint) as csat_total,
        case when not is_as_of_month then cast(retained_engaged_members as bigint) end as retained_engaged_members,
        case when not is_as_of_month then cast(retained_service_only_members as bigint) end
            as retained_service_only_members
    from monthly
)

select
    month,
    community_spend_cny,
    service_spend_cny,
    active_members,
    tickets,
    served_members,
    community_cost_per_active_member_cny,
    service_cost_per_ticket_cny,
    service_cost_per_served_member_cny,
    median_first_response_minutes,
    resolved_within_target_rate,
    avg_csat,
    engaged_members,
    community_retention_rate,
    service_only_members,
    service_only_retention_rate,
    resolved_within_target_tickets,
    rated_tickets,
    csat_total,
    retained_engaged_members,
    retained_service_only_members
from final
