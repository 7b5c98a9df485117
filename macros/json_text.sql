{#- JSON object text of (key, expression) pairs, in order, values as text. -#}
{% macro json_text(pairs) %}
    {{- return(adapter.dispatch('json_text', 'commops')(pairs)) -}}
{% endmacro %}

{% macro default__json_text(pairs) -%}
    cast(json_object({% for key, expr in pairs %}'{{ key }}', {{ expr }}{{ ', ' if not loop.last }}{% endfor %}) as varchar)
{%- endmacro %}

{% macro spark__json_text(pairs) -%}
    to_json(named_struct({% for key, expr in pairs %}'{{ key }}', {{ expr }}{{ ', ' if not loop.last }}{% endfor %}))
{%- endmacro %}
