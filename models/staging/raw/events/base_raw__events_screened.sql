{#- Every distinct raw event row, parsed, with the reason it is rejected (null when staged).

    Incremental: the events export is the one that grows by millions of rows. Every column of
    a row here depends only on the raw rows sharing its trimmed event_id (exact duplicates
    collapse among them; a key conflict rejects every valid version of that id), so a run
    re-screens whole event ids, and only those its new raw rows touch:
    - the window: raw rows whose occurred_at text, as exported, sorts at or after 'YYYY-MM-DD'
      of the latest date screened (not after the build date) minus var activity_lookback_days (a plain text comparison,
      cheap, and one Parquet row-group statistics can skip old files with). Raw rows before the
      window are taken to be unchanged: commops.events_screen_window checks that first by
      counting them against the rows screened before it (raw_day_text); when the counts differ
      (an event older than the lookback arrived late, or an old row was sent again), the window
      is every raw row, which is slower and still exact. Malformed CSV records (CONTRACT §3:
      no occurred_at, only their line and text) are always in the window: they are few, and
      dating them by an occurred_at they do not have would send every run that finds a new
      one back to reading every raw row;
    - touched ids: those of a distinct raw row in the window that is not already here with the
      same raw text (raw_hash) and the same number of copies;
    - the batch: every raw row of a touched id (in the window, and before it when the id has
      rows here from before it), screened as a full refresh screens them. On DuckDB
      delete+insert on event_id replaces every old row of those ids; a merge (Spark on Delta)
      matches rows on (event_id, raw_hash).
    event_id here is the key itself: trimmed, and '' (not null) when the export had none, so
    that such rows too are replaced by id (they are always rejected, as missing_required).
    Exports are append-only: a raw row that disappears from the export stays here (the
    critical row_balance check then fails: run with --full-refresh).

    State: a run reads only this table as the last run left it ({{ this }}): the window guard
    (commops.events_screen_window) and the copies already screened (raw_hash, raw_copies).
    Nothing else of the event path is incremental: a full refresh reads base_raw__events, a
    view that counts the export's keys itself to collapse only rows whose key repeats, and an
    incremental run groups every raw row it reads, so it needs no table of shared keys. -#}
{#- An incremental run reads the raw export itself; it is named here, outside any condition,
    so that dbt knows it as this model's parent when it parses. -#}
{%- if model.resource_type != 'unit_test' -%}
    {%- set raw_export = commops.raw_text_select('events') -%}
{%- endif -%}
{%- set settings = commops.incremental_settings() -%}
{{ config(
    materialized=settings['materialized'],
    incremental_strategy=settings['incremental_strategy'],
    unique_key=['event_id'] if settings['incremental_strategy'] == 'delete+insert'
        else ['event_id', 'raw_hash'],
    on_schema_change='fail',
) }}
{%- set names = [] -%}
{%- set raw_names = [] -%}
{%- for name, required in commops.raw_entity_columns('events')['columns'] -%}
    {%- do names.append(name) -%}
    {%- do raw_names.append('raw_' ~ name) -%}
{%- endfor -%}
{%- set stamp = run_started_at.replace(tzinfo=none) -%}
{%- set window = commops.events_screen_window(
    this if is_incremental() else none, 'base_raw__events_screened'
) -%}
{%- if window['latest_stamp'] is not none and window['latest_stamp'] >= stamp -%}
    {#- Each run's stamp is later than every earlier one, whatever the clock says. -#}
    {%- set stamp = window['latest_stamp'] + modules.datetime.timedelta(microseconds=1) -%}
{%- endif -%}
{%- set stamp_sql = "cast('" ~ stamp.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp)" -%}
with

{% if is_incremental() %}
window_raw as (
    {{ commops.collapsed_raw(
        'events',
        where=('(occurred_at >= ' ~ window['start'] ~ ' or malformed_line is not null)')
        if window['start'] else none,
    ) | indent(4) }}
),

window_keyed as (
    select
        window_raw.*,
        {{ commops.trimmed('window_raw.event_id') }} as event_key,
        {{ commops.row_fingerprint(names + ['malformed_line', 'malformed_text']) }} as raw_hash
    from window_raw
),

window_screened as (
    select
        event_id as event_key,
        raw_hash,
        raw_copies
    from {{ this }}
    {%- if window['start'] %}
    where raw_day_text >= {{ window['start'] }} or raw_day_text is null
    {%- endif %}
),

touched_keys as (
    select distinct window_keyed.event_key
    from window_keyed
    left join window_screened
        on
            window_keyed.event_key = window_screened.event_key
            and window_keyed.raw_hash = window_screened.raw_hash
            and window_keyed.raw_copies = window_screened.raw_copies
    where window_screened.event_key is null
),

{%- if window['start'] %}

earlier_keys as (
    select distinct screened.event_id as event_key
    from {{ this }} as screened
    inner join touched_keys
        on screened.event_id = touched_keys.event_key
    where screened.raw_day_text < {{ window['start'] }}
),

earlier_raw as (
    {{ commops.collapsed_raw(
        'events',
        where='occurred_at < ' ~ window['start'] ~ ' and malformed_line is null and '
        ~ commops.trimmed('event_id') ~ ' in (select earlier_keys.event_key from earlier_keys)',
    ) | indent(4) }}
),
{%- endif %}

raw as (
    select
        {%- for name in names %}
        window_keyed.{{ name }},
        {%- endfor %}
        window_keyed.malformed_line,
        window_keyed.malformed_text,
        window_keyed.raw_copies,
        window_keyed.key_shared
    from window_keyed
    inner join touched_keys
        on window_keyed.event_key = touched_keys.event_key
    {%- if window['start'] %}
    union all
    select
        {%- for name in names %}
        earlier_raw.{{ name }},
        {%- endfor %}
        earlier_raw.malformed_line,
        earlier_raw.malformed_text,
        earlier_raw.raw_copies,
        earlier_raw.key_shared
    from earlier_raw
    {%- endif %}
),
{% else %}
    raw as {{ commops.inline_cte() }} (
        select * from {{ ref('base_raw__events') }}
    ),
{% endif %}

trimmed as (
    select
        {{ commops.raw_and_trimmed('events', 'raw') }}
        raw.raw_copies,
        raw.key_shared
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_timestamp('occurred_at_text') }} as occurred_at,
        lower(event_type_text) as event_type_code
    from trimmed
),

checked as {{ commops.inline_cte() }} (
    select
        parsed.*,
        {{ commops.reject_reason(
            required=['event_id_text', 'member_id_text', 'occurred_at_text', 'event_type_text'],
            timestamps=[('occurred_at_text', 'occurred_at')],
        ) }} as row_reason
    from parsed
),

key_conflicts as (
    {{ commops.conflicting_keys('checked', 'row_reason', 'event_id_text') }}
),

keyed as (
    select
        checked.{{ raw_names | join(',\n        checked.') }},
        checked.event_id_text,
        checked.member_id_text,
        checked.community_id_text,
        checked.content_id_text,
        checked.malformed_line,
        checked.malformed_text,
        checked.raw_copies,
        checked.occurred_at,
        checked.event_type_code,
        {{ commops.with_key_conflicts('checked.row_reason', 'key_conflicts.conflicting_key') }}
            as reject_reason
    from checked
    left join key_conflicts
        on checked.event_id_text = key_conflicts.conflicting_key
),

final as (
    select
        coalesce(event_id_text, '') as event_id,
        member_id_text as member_id,
        occurred_at,
        cast(occurred_at as date) as occurred_date,
        event_type_code as event_type,
        community_id_text as community_id,
        content_id_text as content_id,
        {{ commops.is_unknown_code('event_type_code', 'event_type') }} as has_unknown_code,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('events', 'reject_reason') }} as raw_record,
        {{ commops.row_fingerprint(raw_names + ['malformed_line', 'malformed_text']) }} as raw_hash,
        -- null for a malformed record, which has no occurred_at (see the window above)
        case when malformed_line is null then substr(raw_occurred_at, 1, 10) end as raw_day_text,
        {{ stamp_sql }} as screened_at
    from keyed
)

select * from final
