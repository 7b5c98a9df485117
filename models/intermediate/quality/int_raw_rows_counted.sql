{#- One row per raw entity: raw rows, and where they went (CONTRACT §3). raw_rows is a count of
    the raw export itself (not of a model built from it: for Parquet it is read from the file
    footers), staged_rows from the staging model, rejected_rows from int_raw_rows_rejected, so that
    row_balance = raw - staged - rejected - collapsed checks the plumbing, incremental runs of
    the event staging included. -#}
with

rejected as (
    select * from {{ ref('int_raw_rows_rejected') }}
),

{% for entity in commops.raw_entities() %}
    {{ entity }}_counts as (
        select
            '{{ entity }}' as entity,
            (select count(*) from ({{ commops.raw_text_select(entity) }}) as raw_export) as raw_rows,
            (select count(*) from {{ ref('stg_raw__' ~ entity) }}) as staged_rows,
            (
                select count(*) from rejected
                where entity = '{{ entity }}'
            ) as rejected_rows,
            (select sum(raw_copies - 1) from {{ ref('base_raw__' ~ entity ~ '_screened') }}) as collapsed_rows
    ),

{% endfor %}
unioned as (
    {%- for entity in commops.raw_entities() %}
        select * from {{ entity }}_counts
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        entity,
        cast(coalesce(raw_rows, 0) as bigint) as raw_rows,
        cast(staged_rows as bigint) as staged_rows,
        cast(rejected_rows as bigint) as rejected_rows,
        cast(coalesce(collapsed_rows, 0) as bigint) as collapsed_rows
    from unioned
)

select * from final
