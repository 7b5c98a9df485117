{#- SQL list literal of a list var's values, e.g. ('post', 'comment'). -#}
{% macro in_list(values) -%}
    ({% for v in values %}'{{ v }}'{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}
