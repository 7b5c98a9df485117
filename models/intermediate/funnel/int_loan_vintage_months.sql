{#- One row per loan disbursed on or before as_of_date (every loan: suspect and unknown members
    included) and months_on_book k from 0 to as_of month − disbursed month, with the evaluation
    date (end of month disbursed + k, or as_of_date if earlier), whether the loan is 30+ days
    past due then, and its revenue up to then (CONTRACT §5 Vintage). -#}
{#- The 30 days are part of the column names (dpd30_loans, dpd30_rate), so fixed here. -#}
{%- set past_due_days = 30 -%}
with

loans as (
    select * from {{ ref('int_loans_as_of') }}
),

repayments as (
    select * from {{ ref('int_repayments_as_of') }}
),

revenue as (
    select * from {{ ref('int_revenue_as_of') }}
),

month_offsets as (
    {{ commops.month_offsets() }}
),

disbursed_loans as (
    select
        loan_id,
        product,
        {{ commops.month_of('disbursed_at') }} as disbursed_month,
        coalesce(disbursed_amount_cny, 0) as disbursed_amount_cny,
        as_of_date,
        {{ commops.month_of('as_of_date') }} as as_of_month
    from loans
    -- int_loans_as_of nulls a disbursement dated after as_of_date
    where disbursed_at is not null
),

loan_months as (
    select
        disbursed_loans.loan_id,
        disbursed_loans.product,
        disbursed_loans.disbursed_month,
        disbursed_loans.disbursed_amount_cny,
        month_offsets.month_offset as months_on_book,
        disbursed_loans.as_of_date,
        {{ commops.days_after(
            commops.months_after('disbursed_loans.disbursed_month', 'month_offsets.month_offset + 1'), -1) }}
            as month_end_date
    from disbursed_loans
    inner join month_offsets
        on month_offsets.month_offset
            <= {{ dbt.datediff('disbursed_loans.disbursed_month', 'disbursed_loans.as_of_month', 'month') }}
),

evaluated as (
    select
        loan_id,
        product,
        disbursed_month,
        disbursed_amount_cny,
        months_on_book,
        case when month_end_date < as_of_date then month_end_date else as_of_date end as evaluation_date
    from loan_months
),

-- an instalment due 30 or more days before the evaluation date and not paid by then
past_due as (
    select distinct
        evaluated.loan_id,
        evaluated.months_on_book
    from evaluated
    inner join repayments
        on evaluated.loan_id = repayments.loan_id
    where
        {{ dbt.datediff('repayments.due_date', 'evaluated.evaluation_date', 'day') }} >= {{ past_due_days }}
        and (repayments.paid_date is null or repayments.paid_date > evaluated.evaluation_date)
),

revenue_to_date as (
    select
        evaluated.loan_id,
        evaluated.months_on_book,
        sum(revenue.amount_cny) as revenue_cny
    from evaluated
    inner join revenue
        on evaluated.loan_id = revenue.loan_id
    where revenue.revenue_date <= evaluated.evaluation_date
    group by evaluated.loan_id, evaluated.months_on_book
),

final as (
    select
        evaluated.loan_id,
        evaluated.product,
        evaluated.disbursed_month,
        evaluated.months_on_book,
        evaluated.evaluation_date,
        evaluated.disbursed_amount_cny,
        past_due.loan_id is not null as is_dpd30,
        coalesce(revenue_to_date.revenue_cny, 0) as cumulative_revenue_cny
    from evaluated
    left join past_due
        on
            evaluated.loan_id = past_due.loan_id
            and evaluated.months_on_book = past_due.months_on_book
    left join revenue_to_date
        on
            evaluated.loan_id = revenue_to_date.loan_id
            and evaluated.months_on_book = revenue_to_date.months_on_book
)

select * from final
