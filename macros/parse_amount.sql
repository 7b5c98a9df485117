{#- CONTRACT §2 amounts: optional sign, digits with or without thousands separators, optional
    decimals. Null when empty or malformed. -#}
{% macro amount_pattern() -%}
    {{- return('^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]+)?$') -}}
{%- endmacro %}

{% macro parse_amount(expr) -%}
    case
        when {{ commops.regex_like(expr, commops.amount_pattern()) }}
            then cast(replace({{ expr }}, ',', '') as double)
    end
{%- endmacro %}

{#- An amount whose value is integral, as a bigint; null otherwise. -#}
{% macro parse_integer(expr) -%}
    case
        when {{ commops.regex_like(expr, commops.amount_pattern()) }}
            and cast(replace({{ expr }}, ',', '') as double) = floor(cast(replace({{ expr }}, ',', '') as double))
            then cast(cast(replace({{ expr }}, ',', '') as double) as bigint)
    end
{%- endmacro %}
