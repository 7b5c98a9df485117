{#- A text expression with every trim_characters() character removed from both ends (CONTRACT
    §2), the same on every engine: a regular expression of code points, which DuckDB (RE2) and
    Spark (Java) read alike. Most values begin and end with a printable ASCII character (! to ~),
    which trimming never removes: those are returned as they are, without the regular
    expression. DuckDB's trim(x, characters) gives the same result but is over ten times slower
    on millions of values. -#}
{% macro trimmed(expr) %}
    {{- return(adapter.dispatch('trimmed', 'commops')(expr)) -}}
{% endmacro %}

{% macro default__trimmed(expr) -%}
    (case
        when left({{ expr }}, 1) between '!' and '~' and right({{ expr }}, 1) between '!' and '~'
            then {{ expr }}
        else regexp_replace({{ expr }}, '{{ commops._trimmed_pattern() }}', '', 'g')
    end)
{%- endmacro %}

{% macro spark__trimmed(expr) -%}
    (case
        when left({{ expr }}, 1) between '!' and '~' and right({{ expr }}, 1) between '!' and '~'
            then {{ expr }}
        else regexp_replace({{ expr }}, '{{ commops._trimmed_pattern() | replace("\\", "\\\\") }}', '')
    end)
{%- endmacro %}

{#- A leading or a trailing run of trimmed characters, each as \x{hex}. -#}
{% macro _trimmed_pattern() -%}
    {%- set points = [] -%}
    {%- for point in commops.trim_characters() -%}
        {%- do points.append('\\x{%x}' | format(point)) -%}
    {%- endfor -%}
    {{- return('^[' ~ points | join('') ~ ']+|[' ~ points | join('') ~ ']+$') -}}
{%- endmacro %}
