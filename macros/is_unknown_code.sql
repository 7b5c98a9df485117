{#- True when a lower-cased code value is present and outside its list. -#}
{% macro is_unknown_code(expr, code) -%}
    ({{ expr }} is not null and {{ expr }} not in {{ commops.code_list(code) }})
{%- endmacro %}
