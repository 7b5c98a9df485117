-- Holds on any data: 0 ≤ DAU ≤ WAU ≤ MAU ≤ total_members, new_members ≤ total_members, and
-- stickiness = DAU / MAU within [0, 1] (null exactly when MAU = 0). Returns the days that break it.
select
    activity_date,
    dau,
    wau,
    mau,
    stickiness,
    new_members,
    total_members
from {{ ref('mart_engagement_daily') }}
where
    dau < 0
    or dau > wau
    or wau > mau
    or mau > total_members
    or new_members < 0
    or new_members > total_members
    or (mau = 0 and stickiness is not null)
    or (mau > 0 and (stickiness is null or stickiness < 0 or stickiness > 1))
