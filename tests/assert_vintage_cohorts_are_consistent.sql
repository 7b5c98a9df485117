{#- mart_loan_vintage: each disbursement month and product has every months_on_book from 0 to
    as_of month − disbursed month once, the same loans and disbursed_cny on every k, and
    0 ≤ dpd30_loans ≤ loans; and its loans at k = 0 are every loan of fct_loans disbursed on or
    before as_of_date. -#}
with

vintage as (
    select * from {{ ref('mart_loan_vintage') }}
),

loans as (
    select * from {{ ref('int_loans_as_of') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

cohorts as (
    select
        disbursed_month,
        product,
        count(*) as rows_found,
        min(months_on_book) as first_k,
        max(months_on_book) as last_k,
        min(loans) as min_loans,
        max(loans) as max_loans,
        min(disbursed_cny) as min_disbursed_cny,
        max(disbursed_cny) as max_disbursed_cny,
        sum(case when dpd30_loans < 0 or dpd30_loans > loans then 1 else 0 end) as bad_dpd30_rows
    from vintage
    group by disbursed_month, product
),

bad_cohorts as (
    select
        'cohort' as problem,
        cohorts.disbursed_month,
        cohorts.product
    from cohorts
    cross join as_of
    where
        cohorts.first_k <> 0
        or cohorts.last_k <> {{ dbt.datediff('cohorts.disbursed_month', commops.month_of('as_of.as_of_date'), 'month') }}
        or cohorts.rows_found <> cohorts.last_k + 1
        or cohorts.min_loans <> cohorts.max_loans
        or abs(cohorts.max_disbursed_cny - cohorts.min_disbursed_cny) > 0.01
        or cohorts.bad_dpd30_rows > 0
),

disbursed_total as (
    select count(*) as disbursed_loans
    from loans
    -- int_loans_as_of nulls a disbursement dated after as_of_date
    where disbursed_at is not null
),

vintage_total as (
    select coalesce(sum(loans), 0) as vintage_loans
    from vintage
    where months_on_book = 0
),

loan_totals as (
    select
        'loan_total' as problem,
        cast(null as date) as disbursed_month,
        cast(null as {{ dbt.type_string() }}) as product
    from disbursed_total
    cross join vintage_total
    where disbursed_total.disbursed_loans <> vintage_total.vintage_loans
),

final as (
    select
        problem,
        disbursed_month,
        product
    from bad_cohorts
    union all
    select
        problem,
        disbursed_month,
        product
    from loan_totals
)

select * from final
