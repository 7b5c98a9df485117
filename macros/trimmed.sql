{#- A text expression with every trim_characters() character removed from both ends (CONTRACT
    §2), the same on every engine: a regular expression of code points, which DuckDB (RE2) and
    Spark (Java) read alike. DuckDB's trim(x, characters) gives the same result but is over ten
    times slower on millions of values; Spark's trim(BOTH … FROM x) would do, one engine only. -#}
{% macro trimmed(expr) %}
    {{- return(adapter.dispatch('trimmed', 'commops')(expr)) -}}
{% endmacro %}

{% macro default__trimmed(expr) -%}
    regexp_replace({{ expr }}, '{{ commops._trimmed_pattern() }}', '', 'g')
{%- endmacro %}

{% macro spark__trimmed(expr) -%}
    regexp_replace({{ expr }}, '{{ commops._trimmed_pattern() | replace("\\", "\\\\") }}', '')
{%- endmacro %}

{#- A leading or a trailing run of trimmed characters, each as \x{hex}. -#}
{% macro _trimmed_pattern() -%}
    {%- set points = [] -%}
    {%- for point in commops.trim_characters() -%}
        {%- do points.append('\\x{%x}' | format(point)) -%}
    {%- endfor -%}
    {{- return('^[' ~ points | join('') ~ ']+|[' ~ points | join('') ~ ']+$') -}}
{%- endmacro %}
