{#- An amount whose value is integral, as a bigint; null otherwise (also beyond the bigint range,
    where a plain cast would fail the build). Try_casts for the reason parse_amount gives. -#}
{% macro parse_integer(expr) -%}
    case
        when {{ commops.regex_like(expr, commops.amount_pattern()) }}
            and {{ commops.amount_value(expr) }} = floor({{ commops.amount_value(expr) }})
            then {{ commops.try_cast(commops.amount_value(expr), 'bigint') }}
    end
{%- endmacro %}
