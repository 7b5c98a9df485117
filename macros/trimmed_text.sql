{#- A raw text value trimmed; empty after trimming reads as null. -#}
{% macro trimmed_text(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}
