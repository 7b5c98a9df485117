{#- A `select` of month_offset = 0, 1, …, max_months − 1 (bigint): the offsets a month spine
    adds to its start month (1,200 months = 100 years by default). Portable: built by
    dbt.generate_series, no engine series function. -#}
{% macro month_offsets(max_months=1200) -%}
    select cast(generated_number - 1 as bigint) as month_offset
    from ({{ dbt.generate_series(max_months) }}) as series
{%- endmacro %}
