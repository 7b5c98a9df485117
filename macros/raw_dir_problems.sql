{#- Every problem of a RAW_DIR export folder, one text per problem (an empty list when none):
    commops.exports reads the headers and a sample of each export (commops/duckdb_plugin.py). -#}
{% macro raw_dir_problems(raw_dir) %}
    {{- return(adapter.dispatch('raw_dir_problems', 'commops')(raw_dir)) -}}
{% endmacro %}

{% macro default__raw_dir_problems(raw_dir) %}
    {{- return(["RAW_DIR is read by the DuckDB target only; on " ~ target.type
        ~ " load the exports into the `raw` schema and set raw_source: tables"]) -}}
{% endmacro %}

{% macro duckdb__raw_dir_problems(raw_dir) %}
    {%- set found = run_query("select commops_raw_problems('" ~ raw_dir | replace("'", "''") ~ "')").rows[0][0] -%}
    {{- return(found.split('\n') if found else []) -}}
{% endmacro %}
