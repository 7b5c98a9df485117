{#- True when a lower-cased code value is one of its list. -#}
{% macro is_known_code(expr, code) -%}
    coalesce({{ expr }} in {{ commops.code_list(code) }}, false)
{%- endmacro %}
