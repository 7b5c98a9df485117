{#- CONTRACT §2 amounts: optional sign, digits with or without thousands separators, optional
    decimals. -#}
{% macro amount_pattern() -%}
    {{- return('^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]+)?$') -}}
{%- endmacro %}
