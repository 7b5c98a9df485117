{#- The digits of a text value, everything else removed. -#}
{% macro digits_only(expr) %}
    {{- return(adapter.dispatch('digits_only', 'commops')(expr)) -}}
{% endmacro %}

{% macro default__digits_only(expr) -%}
    regexp_replace({{ expr }}, '[^0-9]', '', 'g')
{%- endmacro %}

{% macro spark__digits_only(expr) -%}
    regexp_replace({{ expr }}, '[^0-9]', '')
{%- endmacro %}
