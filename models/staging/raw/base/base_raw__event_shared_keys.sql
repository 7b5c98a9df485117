{#- The events part of base_raw__shared_keys: one row per 64-bit hash of a trimmed event_id
    that more than one raw event row has.

    Incremental: counting every key of tens of millions of raw events again each day is the
    cost this model saves. A run reads the raw rows of the window that base_raw__events_screened
    will read (commops.events_screen_window, judged from that table as the previous run left
    it), and for each key hash there adds the raw copies screened before the window; a hash
    whose raw rows now number two or more is written (delete+insert, or merge, on key_hash). A
    key with no raw row in the window has the rows it had at the last run, so its row stands.
    When there is no window (the first run, or raw rows before the window changed), every raw
    row is counted. Exports are append-only, as for the screened events: a key stays shared. -#}
{%- set settings = commops.incremental_settings() -%}
{{ config(
    materialized=settings['materialized'],
    incremental_strategy=settings['incremental_strategy'],
    unique_key=['key_hash'],
    on_schema_change='fail',
) }}
{#- The screened events as the previous run left them: read, not ref'd (they are built from
    this model, after it). -#}
{%- set screened = none -%}
{%- if execute and is_incremental() -%}
    {%- set screened = adapter.get_relation(
        database=this.database, schema=this.schema, identifier='base_raw__events_screened'
    ) -%}
{%- endif -%}
{%- set window = commops.events_screen_window(screened, 'base_raw__event_shared_keys') -%}
with

{% if window['start'] %}
window_keys as (
    {{ commops.raw_key_counts(
        'events', where="coalesce(occurred_at, '') >= " ~ window['start'],
    ) | indent(4) }}
),

-- event_id there is the trimmed key ('' when missing), so its hash is the raw key's hash.
earlier_rows as (
    select
        {{ commops.row_fingerprint(['event_id']) }} as key_hash,
        raw_copies
    from {{ screened }}
    where raw_day_text < {{ window['start'] }}
),

earlier_keys as (
    select
        earlier_rows.key_hash,
        sum(earlier_rows.raw_copies) as raw_rows
    from earlier_rows
    inner join window_keys
        on earlier_rows.key_hash = window_keys.key_hash
    group by earlier_rows.key_hash
),

key_counts as (
    select
        window_keys.key_hash,
        window_keys.raw_rows + coalesce(earlier_keys.raw_rows, 0) as raw_rows
    from window_keys
    left join earlier_keys
        on window_keys.key_hash = earlier_keys.key_hash
),
{% else %}
    key_counts as (
        {{ commops.raw_key_counts('events') | indent(8) }}
    ),
{% endif %}

final as (
    select
        key_hash,
        cast(raw_rows as bigint) as raw_rows
    from key_counts
    where raw_rows > 1
)

select * from final
