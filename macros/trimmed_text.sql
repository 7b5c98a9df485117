{#- A raw text value trimmed as CONTRACT §2 says (macro trimmed); empty after trimming reads as
    null. -#}
{% macro trimmed_text(expr) -%}
    nullif({{ commops.trimmed(expr) }}, '')
{%- endmacro %}
