{#- CONTRACT §3: for every entity, raw rows = staged + rejected + collapsed. A row returned is
    an entity whose rows staging lost or made up. -#}
-- When this fails after an earlier build succeeded, the raw exports most likely changed
-- instead of growing (incremental runs expect append-only exports): rebuild from scratch with
-- `make refresh` (python -m commops.build --full-refresh, or dbt build --full-refresh).
select
    entity,
    checked_rows,
    failing_rows
from {{ ref('dq_checks') }}
where
    check_name = 'row_balance'
    and failing_rows <> 0
