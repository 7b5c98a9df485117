{#- Daily active members (CONTRACT §5), computed from member-days without a members × days
    join. Each active day puts its member in a window measure (DAU, WAU, MAU) from that day for
    the window's length, until the member's next active day takes over, clipped to the days the
    member is counted; those disjoint spans become +1 / -1 changes whose running sums are the
    measures. total_members is the running sum of joins (+1 on joined_date) and leaves (-1 the
    day after left_date). -#}
{#- Days a window covers, the day itself included: the day (DAU), the day and the 6 before it
    (WAU), the day and the 29 before it (MAU). -#}
{%- set windows = {'dau': 1, 'wau': 7, 'mau': 30} -%}

with

members as (
    select * from {{ ref('int_members_counted') }}
),

activity_daily as (
    select * from {{ ref('int_member_activity_daily') }}
),

date_spine as (
    select * from {{ ref('int_retention_date_spine') }}
),

-- A member who left before joining is never counted.
member_spans as (
    select
        member_id,
        joined_date,
        left_date
    from members
    where left_date is null or left_date >= joined_date
),

member_activity as (
    select
        activity_daily.member_id,
        activity_daily.activity_date,
        member_spans.joined_date,
        member_spans.left_date,
        lead(activity_daily.activity_date) over (
            partition by activity_daily.member_id
            order by activity_daily.activity_date
        ) as next_activity_date
    from activity_daily
    inner join member_spans
        on activity_daily.member_id = member_spans.member_id
),

-- The last day an active day can reach: the day before the next active day, or left_date.
-- (coalesce keeps dateadd's argument non-null: Spark's dbt.dateadd asserts it.)
activity_caps as (
    select
        activity_date,
        joined_date,
        case
            when next_activity_date is null then left_date
            when left_date is null or left_date >= next_activity_date
                then {{ commops.days_after('coalesce(next_activity_date, activity_date)', -1) }}
            else left_date
        end as cap_date
    from member_activity
),

activity_windows as (
    select
        'dau' as measure,
        {{ windows['dau'] }} as window_days
    union all
    select
        'wau' as measure,
        {{ windows['wau'] }} as window_days
    union all
    select
        'mau' as measure,
        {{ windows['mau'] }} as window_days
),

-- One span per active day and measure: the days it keeps the member in the measure.
activity_spans as (
    select
        activity_windows.measure,
        case
            when activity_caps.activity_date >= activity_caps.joined_date then activity_caps.activity_date
            else activity_caps.joined_date
        end as covered_from,
        case
            when
                activity_caps.cap_date is null
                or activity_caps.cap_date
                > {{ commops.days_after('activity_caps.activity_date', 'activity_windows.window_days - 1') }}
                then {{ commops.days_after('activity_caps.activity_date', 'activity_windows.window_days - 1') }}
            else activity_caps.cap_date
        end as covered_to
    from activity_caps
    -- three window lengths per active day, not a members × days join
    cross join activity_windows
),

changes as (
    select
        measure,
        covered_from as change_date,
        1 as step
    from activity_spans
    where covered_from <= covered_to

    union all

    select
        measure,
        {{ commops.days_after('covered_to', 1) }} as change_date,
        -1 as step
    from activity_spans
    where covered_from <= covered_to

    union all

    select
        'total_members' as measure,
        joined_date as change_date,
        1 as step
    from member_spans

    union all

    select
        'total_members' as measure,
        -- coalesce only keeps dateadd's argument non-null for Spark; the filter is on left_date
        {{ commops.days_after('coalesce(left_date, joined_date)', 1) }} as change_date,
        -1 as step
    from member_spans
    where left_date is not null

    union all

    -- Every date of the spine gets a row, so the running sums below land on each of them.
    select
        'total_members' as measure,
        activity_date as change_date,
        0 as step
    from date_spine
),

daily_changes as (
    select
        change_date,
        sum(case when measure = 'dau' then step else 0 end) as dau_change,
        sum(case when measure = 'wau' then step else 0 end) as wau_change,
        sum(case when measure = 'mau' then step else 0 end) as mau_change,
        sum(case when measure = 'total_members' then step else 0 end) as members_change
    from changes
    group by change_date
),

running_counts as (
    select
        change_date,
        sum(dau_change) over (order by change_date rows between unbounded preceding and current row) as dau,
        sum(wau_change) over (order by change_date rows between unbounded preceding and current row) as wau,
        sum(mau_change) over (order by change_date rows between unbounded preceding and current row) as mau,
        sum(members_change) over (
            order by change_date rows between unbounded preceding and current row
        ) as total_members
    from daily_changes
),

new_members as (
    select
        joined_date,
        count(*) as new_members
    from member_spans
    group by joined_date
),

final as (
    select
        date_spine.activity_date,
        cast(running_counts.dau as bigint) as dau,
        cast(running_counts.wau as bigint) as wau,
        cast(running_counts.mau as bigint) as mau,
        case
            when running_counts.mau > 0 then cast(running_counts.dau as double) / running_counts.mau
        end as stickiness,
        cast(coalesce(new_members.new_members, 0) as bigint) as new_members,
        cast(running_counts.total_members as bigint) as total_members
    from date_spine
    inner join running_counts
        on date_spine.activity_date = running_counts.change_date
    left join new_members
        on date_spine.activity_date = new_members.joined_date
)

select
    activity_date,
    dau,
    wau,
    mau,
    stickiness,
    new_members,
    total_members
from final
