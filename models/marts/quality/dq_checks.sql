{#- One row per (check_name, entity) of the dq_check_catalog seed (CONTRACT §6), whatever the
    data: a check nothing failed has failing_rows 0 and status pass. The seed lists the checks;
    this model only knows where each kind of count comes from (the seed's failing_rows_from):
    the rejected rows, the collapsed and balance counts of the staging row counts, the authenticity
    flags, or a boolean column of the staging model. -#}
{%- set flag_models = commops.flag_models() -%}
{#- The counted checks read from a boolean column of the staging models (var staged_checks). -#}
{%- set staged_checks = var('staged_checks') -%}
{%- set staged_entities = [] -%}
{%- for check, spec in staged_checks.items() -%}
    {%- for entity in spec['entities'] if entity not in staged_entities -%}
        {%- do staged_entities.append(entity) -%}
    {%- endfor -%}
{%- endfor -%}
with

catalog as (
    select * from {{ ref('dq_check_catalog') }}
),

row_counts as (
    select * from {{ ref('int_raw_rows_counted') }}
),

rejected as (
    select * from {{ ref('int_raw_rows_rejected') }}
),

{% for entity, model in flag_models.items() %}
    {{ entity }}_flags as (
        select * from {{ ref(model) }}
    ),

{% endfor %}
{% for entity in staged_entities %}
    staged_{{ entity }} as (
        select * from {{ ref('stg_raw__' ~ entity) }}
    ),

{% endfor %}
rejected_counts as (
    select
        entity,
        reason as check_name,
        count(*) as failing_rows
    from rejected
    group by entity, reason
),

plumbing_counts as (
    select
        entity,
        'collapsed_duplicate' as check_name,
        collapsed_rows as failing_rows
    from row_counts
    union all
    select
        entity,
        'row_balance' as check_name,
        raw_rows - staged_rows - rejected_rows - collapsed_rows as failing_rows
    from row_counts
),

flag_counts as (
    {%- for entity in flag_models %}
        select
            '{{ entity }}' as entity,
            reason as check_name,
            count(*) as failing_rows
        from {{ entity }}_flags
        group by reason
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

staging_counts as (
    {%- for check, spec in staged_checks.items() %}
        {%- set outer_loop = loop %}
        {%- for entity in spec['entities'] %}
            select
                '{{ entity }}' as entity,
                '{{ check }}' as check_name,
                count(case when {{ spec['column'] }} then 1 end) as failing_rows
            from staged_{{ entity }}
            {% if not (outer_loop.last and loop.last) %}union all{% endif %}
        {%- endfor %}
    {%- endfor %}
),

observed as (
    select
        entity,
        check_name,
        'rejected' as failing_rows_from,
        failing_rows
    from rejected_counts
    union all
    select
        entity,
        check_name,
        case check_name when 'row_balance' then 'row_balance' else 'collapsed' end as failing_rows_from,
        failing_rows
    from plumbing_counts
    union all
    select
        entity,
        check_name,
        'flag' as failing_rows_from,
        failing_rows
    from flag_counts
    union all
    select
        entity,
        check_name,
        'staging' as failing_rows_from,
        failing_rows
    from staging_counts
),

checked as (
    select
        catalog.check_name,
        catalog.entity,
        catalog.severity,
        case catalog.checked_rows_of
            when 'raw' then row_counts.raw_rows
            when 'staged' then row_counts.staged_rows
        end as checked_rows,
        coalesce(observed.failing_rows, 0) as failing_rows
    from catalog
    left join row_counts
        on catalog.entity = row_counts.entity
    left join observed
        on
            catalog.entity = observed.entity
            and catalog.check_name = observed.check_name
            and catalog.failing_rows_from = observed.failing_rows_from
),

final as (
    select
        cast(check_name as {{ dbt.type_string() }}) as check_name,
        cast(entity as {{ dbt.type_string() }}) as entity,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(coalesce(checked_rows, 0) as bigint) as checked_rows,
        cast(failing_rows as bigint) as failing_rows,
        -- A negative row balance (rows made up in staging) fails as surely as a positive one.
        case when failing_rows <> 0 then 'fail' else 'pass' end as status
    from checked
)

select
    check_name,
    entity,
    severity,
    checked_rows,
    failing_rows,
    status
from final
