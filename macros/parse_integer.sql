{#- A CONTRACT §2 integer (an amount whose value is integral: `700`, `700.0`, `1,000`) as a
    bigint; null otherwise. Integral means every digit after the point is 0, read on the text:
    a double would take `123456789012345.000000001` for an integer. At most 15 digits, so the
    integer part always fits a bigint; a try_cast for the reason parse_amount gives. -#}
{% macro parse_integer(expr) -%}
    case
        when {{ commops.is_amount(expr) }}
            and {{ commops.regex_like(expr, '^[^.]*([.]0+)?$') }}
            then {{ commops.try_cast(commops.regex_group("replace(" ~ expr ~ ", ',', '')", '^([+-]?[0-9]+)', 1), 'bigint') }}
    end
{%- endmacro %}
