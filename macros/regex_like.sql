{#- True when `expr` matches the regular expression `pattern` (a Python string, written once
    for every engine: Spark string literals need their backslashes doubled). -#}
{% macro regex_like(expr, pattern) %}
    {{- return(adapter.dispatch('regex_like', 'commops')(expr, pattern)) -}}
{% endmacro %}

{% macro default__regex_like(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_like(expr, pattern) -%}
    ({{ expr }} rlike '{{ pattern | replace("\\", "\\\\") }}')
{%- endmacro %}
