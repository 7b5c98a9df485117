{#- CONTRACT §2 amounts: optional sign, digits with or without thousands separators, optional
    decimals. Null when empty or malformed. -#}
{% macro amount_pattern() -%}
    {{- return('^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]+)?$') -}}
{%- endmacro %}

{#- The casts are try_casts although the pattern guards them: an engine may evaluate a cast
    before the condition that guards it (Spark hoists repeated expressions out of a CASE), and
    in ANSI mode a plain cast of a non-number would then fail the query. -#}
{% macro parse_amount(expr) -%}
    case
        when {{ commops.regex_like(expr, commops.amount_pattern()) }}
            then {{ commops._amount_value(expr) }}
    end
{%- endmacro %}

{#- An amount whose value is integral, as a bigint; null otherwise (also beyond the bigint range,
    where a plain cast would fail the build). -#}
{% macro parse_integer(expr) -%}
    case
        when {{ commops.regex_like(expr, commops.amount_pattern()) }}
            and {{ commops._amount_value(expr) }} = floor({{ commops._amount_value(expr) }})
            then {{ commops.try_cast(commops._amount_value(expr), 'bigint') }}
    end
{%- endmacro %}

{#- The number of an amount's text, thousands separators dropped (null when not a number). -#}
{% macro _amount_value(expr) -%}
    {{ commops.try_cast('replace(' ~ expr ~ ", ',', '')", 'double') }}
{%- endmacro %}
