{#- Every reason a row was rejected or flagged for has its row in dq_checks: a reason missing
    from the dq_check_catalog seed would otherwise go uncounted. Returns the uncovered
    (entity, reason) pairs. -#}
with

dq_checks as (
    select * from {{ ref('dq_checks') }}
),

reasons as (
    select distinct
        entity,
        reason
    from {{ ref('rejected_rows') }}
    {%- for entity, model in commops.flag_models().items() %}
        union
        select distinct
            '{{ entity }}' as entity,
            reason
        from {{ ref(model) }}
    {%- endfor %}
)

select
    reasons.entity,
    reasons.reason
from reasons
left join dq_checks
    on
        reasons.entity = dq_checks.entity
        and reasons.reason = dq_checks.check_name
where dq_checks.check_name is null
