{#- CONTRACT §7: mart_kpi_monthly's avg_dau is the mean of mart_engagement_daily's dau over the
    month's days in that mart. The KPI mart computes it from member-days (an unflagged active
    event lies inside its member's membership); this reads the engagement mart itself. Returns
    the months where they differ. -#}
with

kpi as (
    select * from {{ ref('mart_kpi_monthly') }}
),

engagement as (
    select * from {{ ref('mart_engagement_daily') }}
),

engagement_monthly as (
    select
        {{ commops.month_of('activity_date') }} as month,
        avg(cast(dau as double)) as avg_dau
    from engagement
    group by {{ commops.month_of('activity_date') }}
),

compared as (
    select
        kpi.month,
        kpi.avg_dau as kpi_avg_dau,
        engagement_monthly.avg_dau as engagement_avg_dau
    from kpi
    full outer join engagement_monthly
        on kpi.month = engagement_monthly.month
)

select
    month,
    kpi_avg_dau,
    engagement_avg_dau
from compared
where
    kpi_avg_dau is null
    or engagement_avg_dau is null
    or abs(kpi_avg_dau - engagement_avg_dau) > 1e-9
