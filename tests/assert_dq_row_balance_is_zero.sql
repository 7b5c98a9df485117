{#- CONTRACT §3: for every entity, raw rows = staged + rejected + collapsed. A row returned is
    an entity whose rows staging lost or made up. -#}
select
    entity,
    checked_rows,
    failing_rows
from {{ ref('dq_checks') }}
where
    check_name = 'row_balance'
    and failing_rows <> 0
