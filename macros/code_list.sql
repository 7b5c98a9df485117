{#- SQL list literal of a code's accepted values, e.g. ('basic', 'paid', 'premium'), for
    accepted-values filters. -#}
{% macro code_list(code) -%}
    {{ commops.in_list(commops.code_values(code)) }}
{%- endmacro %}
