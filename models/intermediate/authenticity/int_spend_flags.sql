{#- One row per staged spend line and authenticity flag (CONTRACT §6). The first significant
    digit for Benford's law is read from the text of |amount|: the first digit 1-9 of it is the
    first significant digit whether the engine writes the number plainly (0.0123) or in
    scientific notation (1.23E-2), with none of the float edge cases of log10. -#}
with

spend as (
    select * from {{ ref('stg_raw__spend') }}
),

ad_spend_gaps as (
    select * from {{ ref('int_ad_spend_gap_monthly') }}
),

invoice_lines as (
    -- Window partitions group nulls together: two empty vendors are the same vendor.
    select
        spend_id,
        row_number() over (
            partition by vendor, invoice_no, currency, amount
            order by spend_date, spend_id
        ) as invoice_line
    from spend
    where invoice_no is not null
),

vendor_digits as (
    select
        vendor,
        {{ commops.try_cast(
            commops.regex_group('cast(abs(amount) as ' ~ dbt.type_string() ~ ')', '([1-9])', 1),
            'int') }} as first_digit
    from spend
    where
        vendor is not null
        and amount <> 0
),

vendor_benford as (
    select
        vendor,
        count(*) as lines,
        (
            {%- for d in range(1, 10) %}
                abs(
                    cast(sum(case when first_digit = {{ d }} then 1 else 0 end) as double) / count(*)
                    - log10(1.0 + 1.0 / {{ d }})
                ){{ ' +' if not loop.last }}
            {%- endfor %}
        ) / 9.0 as mean_absolute_deviation
    from vendor_digits
    group by vendor
),

benford_vendors as (
    select vendor
    from vendor_benford
    where
        lines >= {{ var('benford_min_lines') }}
        and mean_absolute_deviation > {{ var('benford_mad_max') }}
),

duplicate_invoice as (
    select
        spend_id,
        'duplicate_invoice' as reason
    from invoice_lines
    where invoice_line > 1
),

missing_invoice as (
    select
        spend_id,
        'missing_invoice' as reason
    from spend
    where
        amount_cny >= {{ var('invoice_required_over_cny') }}
        and invoice_no is null
),

future_date as (
    select
        spend_id,
        'future_date' as reason
    from spend
    where spend_date > {{ commops.date_var('future_after_date', commops.build_date()) }}
),

benford_vendor as (
    select
        spend.spend_id,
        'benford_vendor' as reason
    from spend
    inner join benford_vendors
        on spend.vendor = benford_vendors.vendor
),

booked_over_platform as (
    -- The gap rounded to 9 decimals (half away from zero), so that a gap of exactly the
    -- threshold is not above it whatever the float error of the division.
    select
        spend.spend_id,
        'booked_over_platform' as reason
    from spend
    inner join ad_spend_gaps
        on
            spend.month = ad_spend_gaps.month
            and spend.channel = ad_spend_gaps.channel
            and spend.campaign_id = ad_spend_gaps.campaign_id
    where round(ad_spend_gaps.spend_gap_rate, 9) > {{ var('ad_spend_gap_max') }}
),

final as (
    select * from duplicate_invoice
    union all
    select * from missing_invoice
    union all
    select * from future_date
    union all
    select * from benford_vendor
    union all
    select * from booked_over_platform
)

select * from final
