{#- Money to CNY (CONTRACT §2). `fx_joins` adds, for one amount date, the joins that find the
    rate of a currency and month; `fx_rate`, `fx_is_carried` and `fx_is_missing` read them.
    Expects CTEs `fx_rates` (currency, month, rate_to_cny) and `fx_currencies` (currency,
    last_month, last_rate_to_cny) in the model. -#}
{% macro fx_joins(alias, currency, month) -%}
    left join fx_rates as {{ alias }}_rate
        on {{ currency }} = {{ alias }}_rate.currency and {{ month }} = {{ alias }}_rate.month
    left join fx_currencies as {{ alias }}_currency
        on {{ currency }} = {{ alias }}_currency.currency
{%- endmacro %}

{#- CNY per unit for the month: 1 for CNY; the seed's last rate after its last month. -#}
{% macro fx_rate(alias, currency, month) -%}
    case
        when {{ currency }} = 'CNY' then 1.0
        when {{ month }} > {{ alias }}_currency.last_month then {{ alias }}_currency.last_rate_to_cny
        else {{ alias }}_rate.rate_to_cny
    end
{%- endmacro %}

{% macro fx_is_carried(alias, currency, month) -%}
    coalesce({{ currency }} <> 'CNY' and {{ month }} > {{ alias }}_currency.last_month, false)
{%- endmacro %}

{#- An amount that needs a rate the seed lacks: a month at or before its last month. -#}
{% macro fx_is_missing(alias, currency, amount, month) -%}
    coalesce(
        {{ amount }} is not null
        and {{ currency }} <> 'CNY'
        and {{ month }} <= {{ alias }}_currency.last_month
        and {{ alias }}_rate.rate_to_cny is null,
        false
    )
{%- endmacro %}
