{#- One row per disbursement month, product and months_on_book (CONTRACT §5 Vintage): the loans
    disbursed that month on or before as_of_date, those 30+ days past due at the evaluation
    date, and their revenue up to it. Loan-based: every disbursed loan counts. -#}
with

loan_months as (
    select * from {{ ref('int_loan_vintage_months') }}
),

aggregated as (
    select
        disbursed_month,
        product,
        months_on_book,
        count(*) as loans,
        sum(disbursed_amount_cny) as disbursed_cny,
        sum(case when is_dpd30 then 1 else 0 end) as dpd30_loans,
        sum(cumulative_revenue_cny) as cumulative_revenue_cny
    from loan_months
    group by disbursed_month, product, months_on_book
),

final as (
    select
        disbursed_month,
        product,
        cast(months_on_book as bigint) as months_on_book,
        cast(loans as bigint) as loans,
        cast(disbursed_cny as double) as disbursed_cny,
        cast(dpd30_loans as bigint) as dpd30_loans,
        case when loans > 0 then cast(dpd30_loans as double) / loans end as dpd30_rate,
        cast(cumulative_revenue_cny as double) as cumulative_revenue_cny
    from aggregated
)

select * from final
