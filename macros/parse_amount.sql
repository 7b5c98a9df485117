{#- A CONTRACT §2 amount (is_amount) as a double; null when empty or not an amount. The double
    is the one nearest the decimal text (DuckDB and Spark both round a text to double
    correctly), which every model and mart contract computes with; whether the text is an
    amount is decided on its digits (is_amount), exactly. The cast is a try_cast although
    is_amount guards it: an engine may evaluate a cast before the condition that guards it
    (Spark hoists repeated expressions out of a CASE), and in ANSI mode a plain cast of a
    non-number would then fail the query. -#}
{% macro parse_amount(expr) -%}
    case
        when {{ commops.is_amount(expr) }}
            then {{ commops.amount_value(expr) }}
    end
{%- endmacro %}
