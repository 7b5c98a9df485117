{#- After a model's final select: the order its rows are written in, on DuckDB (nothing
    elsewhere). DuckDB keeps the rows of a table in the order they were written, and joins,
    group-bys and windows on `columns` read clustered rows far faster: at 1 M members the
    readers of member-day activity (a member-partitioned window, joins and group-bys on
    member_id) take about half the CPU when it is written in member order, for ~1 s more to
    write it (docs/benchmark.md). On Spark an ORDER BY is a shuffle of its own: left out. -#}
{% macro physical_order(columns) %}
    {{- return(adapter.dispatch('physical_order', 'commops')(columns)) -}}
{% endmacro %}

{% macro default__physical_order(columns) -%}{%- endmacro %}

{% macro duckdb__physical_order(columns) -%}
    order by {{ columns | join(', ') }}
{%- endmacro %}
