{#- A CONTRACT §2 amount (amount_pattern) as a double; null when empty or malformed.
    The casts are try_casts although the pattern guards them: an engine may evaluate a cast
    before the condition that guards it (Spark hoists repeated expressions out of a CASE), and
    in ANSI mode a plain cast of a non-number would then fail the query. -#}
{% macro parse_amount(expr) -%}
    case
        when {{ commops.regex_like(expr, commops.amount_pattern()) }}
            then {{ commops.amount_value(expr) }}
    end
{%- endmacro %}
