{#- The text of capture group `group` of `pattern` in `expr`; empty when it did not match. -#}
{% macro regex_group(expr, pattern, group) %}
    {{- return(adapter.dispatch('regex_group', 'commops')(expr, pattern, group)) -}}
{% endmacro %}

{% macro default__regex_group(expr, pattern, group) -%}
    regexp_extract({{ expr }}, '{{ pattern }}', {{ group }})
{%- endmacro %}

{% macro spark__regex_group(expr, pattern, group) -%}
    regexp_extract({{ expr }}, '{{ pattern | replace("\\", "\\\\") }}', {{ group }})
{%- endmacro %}
