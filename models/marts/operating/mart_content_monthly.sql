{#- Content output and its marginal effect (内容产出的边际效益) per month of the range (CONTRACT
    §7): spend on content items (lines with a content_id, dated on or before as_of_date) against
    the members who count engaging with content (active events with a content_id), and the
    engaged members each extra 10,000 CNY bought against the month before. -#}
{#- marginal_engaged_per_10k_cny is per this many CNY of extra spend. -#}
{%- set cny_per_step = 10000 -%}
with

month_spine as (
    select * from {{ ref('int_retention_month_spine') }}
),

engagement as (
    select * from {{ ref('int_member_engagement_monthly') }}
),

content_items as (
    select * from {{ ref('int_content_items_monthly') }}
),

spend as (
    select * from {{ ref('int_spend_as_of') }}
),

content_spend as (
    select
        month,
        sum(amount_cny) as content_spend_cny
    from spend
    where content_id is not null
    group by month
),

-- Members' active events with a content_id: who viewed, who interacted, and how often.
content_engagement as (
    select
        month,
        sum(case when content_views > 0 then 1 else 0 end) as viewers,
        sum(case when content_interactions > 0 then 1 else 0 end) as engaged_members,
        sum(content_interactions) as interactions
    from engagement
    group by month
),

monthly_items as (
    select
        month,
        count(*) as content_items
    from content_items
    group by month
),

monthly as (
    select
        month_spine.month,
        cast(coalesce(content_spend.content_spend_cny, 0) as double) as content_spend_cny,
        cast(coalesce(monthly_items.content_items, 0) as bigint) as content_items,
        cast(coalesce(content_engagement.viewers, 0) as bigint) as viewers,
        cast(coalesce(content_engagement.engaged_members, 0) as bigint) as engaged_members,
        cast(coalesce(content_engagement.interactions, 0) as bigint) as interactions
    from month_spine
    left join content_spend
        on month_spine.month = content_spend.month
    left join content_engagement
        on month_spine.month = content_engagement.month
    left join monthly_items
        on month_spine.month = monthly_items.month
),

-- Against the month before; the first month of the range has none (lag is null).
month_changes as (
    select
        month,
        content_spend_cny,
        content_items,
        viewers,
        engaged_members,
        interactions,
        engaged_members - lag(engaged_members) over (order by month) as engaged_members_change,
        content_spend_cny - lag(content_spend_cny) over (order by month) as content_spend_change_cny
    from monthly
),

final as (
    select
        month,
        content_spend_cny,
        content_items,
        viewers,
        engaged_members,
        interactions,
        case when engaged_members > 0 then content_spend_cny / engaged_members end as cost_per_engaged_member_cny,
        -- a spend cut (a negative change) gives a value; no change gives none
        case
            when content_spend_change_cny <> 0
                then cast(engaged_members_change as double) * {{ cny_per_step }} / content_spend_change_cny
        end as marginal_engaged_per_10k_cny
    from month_changes
)

select
    month,
    content_spend_cny,
    content_items,
    viewers,
    engaged_members,
    interactions,
    cost_per_engaged_member_cny,
    marginal_engaged_per_10k_cny
from final
