{#- True when a trimmed text value is a CONTRACT §2 amount: it matches amount_pattern (sign,
    digits with or without thousands separators, decimals), and has at most 15 digits before
    the point and 9 after it, leading zeros before the point and trailing zeros after it not
    counted, so that it is exact as a DECIMAL(24,9). The digits are counted on the text: a
    number parsed first (a double) could not tell 16 digits from 15. Null when expr is null. -#}
{% macro is_amount(expr) -%}
    ({{ commops.regex_like(expr, commops.amount_pattern()) }}
    and {{ commops.regex_like("replace(" ~ expr ~ ", ',', '')", '^[+-]?0*[0-9]{1,15}([.][0-9]{1,9}0*)?$') }})
{%- endmacro %}
