{#- After `as` in a CTE that is read more than once: on DuckDB `not materialized`, so each
    reader computes it with its own filters pushed down (a CTE over tens of millions of rows
    is otherwise written out once in full and read back); elsewhere nothing (Spark inlines
    deterministic CTEs). -#}
{% macro inline_cte() %}
    {{- return(adapter.dispatch('inline_cte', 'commops')()) -}}
{% endmacro %}

{% macro default__inline_cte() -%}{%- endmacro %}

{% macro duckdb__inline_cte() -%}not materialized{%- endmacro %}
