{#- Where an incremental run starts reading the raw events export, judged from the screened
    events table `screened` as the previous run left it (base_raw__events_screened; see there).

    Returns {'start': a SQL date text literal or none, 'latest_stamp': the latest screened_at
    or none}. start is the latest date screened, not after the build date, minus var
    activity_lookback_days: raw rows whose occurred_at text sorts before it are taken to be
    screened already and unchanged. (A date after the build date, such as a year-2101 typo,
    which CONTRACT §2 rejects, would otherwise put every later event before the window and
    send every run back to reading every raw row; rows dated after start are re-read anyway.)
    That is checked first, by counting them against the raw copies screened before it
    (raw_day_text); when the counts differ (an event older than the lookback arrived late, or
    an old row was sent again) start is none: read every raw row. Malformed CSV records have no
    date and are in every window: they are counted on neither side. Also none when `screened` is
    missing or empty. `who` names the model in the log line, and in the error raised when
    `screened` was built by an older version, without the columns this needs. -#}
{% macro events_screen_window(screened, who) %}
    {%- set window = {'start': none, 'latest_stamp': none} -%}
    {%- if not execute or screened is none -%}
        {{- return(window) -}}
    {%- endif -%}
    {%- set present = [] -%}
    {%- for column in adapter.get_columns_in_relation(screened) -%}
        {%- do present.append(column.name | lower) -%}
    {%- endfor -%}
    {%- for needed in ['raw_day_text', 'raw_copies', 'screened_at'] if needed not in present -%}
        {{ exceptions.raise_compiler_error(who ~ ': ' ~ screened ~ " has no column '" ~ needed
            ~ "': it was built by an older version of this project. Rebuild it once with"
            ~ ' `python -m commops.build --full-refresh` (or dbt build --full-refresh).') }}
    {%- endfor -%}
    {%- set day = commops.try_cast('raw_day_text', 'date') -%}
    {%- set latest = run_query(
        'select max(case when ' ~ day ~ ' <= ' ~ commops.build_date() ~ ' then ' ~ day ~ ' end)'
        ~ ' as latest_day, max(screened_at) as latest_stamp from ' ~ screened
    ).rows[0] -%}
    {%- do window.update({'latest_stamp': latest[1]}) -%}
    {%- if latest[0] is none -%}
        {{- return(window) -}}
    {%- endif -%}
    {%- set start = latest[0] - modules.datetime.timedelta(days=var('activity_lookback_days')) -%}
    {%- set start_sql = "'" ~ start.strftime('%Y-%m-%d') ~ "'" -%}
    {%- set raw_counts = run_query(
        "select count(case when coalesce(occurred_at, '') < " ~ start_sql
        ~ ' and malformed_line is null then 1 end)'
        ~ ' as earlier_rows from (' ~ commops.raw_text_select('events') ~ ') as raw_rows'
    ).rows[0] -%}
    {%- set screened_counts = run_query(
        'select coalesce(sum(raw_copies), 0) as earlier_rows from ' ~ screened
        ~ ' where raw_day_text < ' ~ start_sql
    ).rows[0] -%}
    {%- if raw_counts[0] | int == screened_counts[0] | int -%}
        {%- do window.update({'start': start_sql}) -%}
    {%- else -%}
        {{ log(who ~ ': ' ~ raw_counts[0] ~ ' raw event rows dated before '
            ~ start.strftime('%Y-%m-%d') ~ ', ' ~ screened_counts[0] ~ ' screened: events older than'
            ~ ' activity_lookback_days arrived; re-reading every raw event row', info=true) }}
    {%- endif -%}
    {{- return(window) -}}
{% endmacro %}
