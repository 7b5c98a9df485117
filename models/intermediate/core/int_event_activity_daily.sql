{#- One row per member id and business date with at least one screened event row of an active
    type (staged or rejected, whatever its member): the staged ones' count and first timestamp.
    Member-agnostic on purpose: who counts and which events are flagged change retroactively
    (a later member sharing a phone, a left_at exported later), so that is applied downstream in
    int_member_activity_daily, which is cheap, and this table, built from tens of millions of
    events, only ever changes where events changed.

    Incremental: a run recomputes the member-days of every row base_raw__events_screened wrote
    since this model last ran (screened_at later than the latest here), from all their rows.
    Rejected rows keep their member-day here, so a day whose events are later all rejected (a
    key conflict) is recomputed to active_events 0 rather than left behind. Changing var
    active_event_types needs --full-refresh. A full refresh writes it in member order
    (commops.physical_order), which int_member_activity_daily reads fastest; an incremental
    run appends its rows after the rest, so the order holds less well until the next full
    refresh. -#}
{%- set settings = commops.incremental_settings() -%}
{{ config(
    materialized=settings['materialized'],
    incremental_strategy=settings['incremental_strategy'],
    unique_key=['member_id', 'activity_date'],
    on_schema_change='fail',
) }}
with

-- Both read twice in an incremental run (the changed days, then their rows): scanned twice,
-- with each reader's filter pushed into the scan, rather than copied (inline_cte).
screened as {{ commops.inline_cte() }} (
    select * from {{ ref('base_raw__events_screened') }}
),

active_type_rows as {{ commops.inline_cte() }} (
    select
        member_id,
        occurred_date,
        occurred_at,
        reject_reason,
        screened_at
    from screened
    where
        event_type in {{ commops.in_list(var('active_event_types')) }}
        and member_id is not null
        and occurred_date is not null
),

{% if is_incremental() %}
changed_days as (
    select distinct
        member_id,
        occurred_date
    from active_type_rows
    where
        screened_at > (
            select coalesce(max(last_run.screened_at), cast('1900-01-01 00:00:00' as timestamp))
            from {{ this }} as last_run
        )
),

day_rows as (
    select
        active_type_rows.member_id,
        active_type_rows.occurred_date,
        active_type_rows.occurred_at,
        active_type_rows.reject_reason,
        active_type_rows.screened_at
    from active_type_rows
    inner join changed_days
        on
            active_type_rows.member_id = changed_days.member_id
            and active_type_rows.occurred_date = changed_days.occurred_date
),
{% else %}
    day_rows as (
        select * from active_type_rows
    ),
{% endif %}

final as (
    select
        member_id,
        occurred_date as activity_date,
        count(case when reject_reason is null then 1 end) as active_events,
        min(case when reject_reason is null then occurred_at end) as first_active_at,
        max(screened_at) as screened_at
    from day_rows
    group by member_id, occurred_date
)

select * from final
{{ commops.physical_order(['member_id', 'activity_date']) }}
