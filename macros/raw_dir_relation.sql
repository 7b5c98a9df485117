{#- The `from` expression reading one raw export from the RAW_DIR folder, the export's name for
    messages, and whether it holds text records (`records`: a CSV or xlsx export that
    commops.exports read as CONTRACT §2 says into a Parquet file in the cache folder beside the
    working file, with malformed_line and malformed_text; commops/duckdb_plugin.py) or is a
    Parquet export read in place, whose typed columns raw_text_select reads as text. `sql` is
    none for an optional export the folder does not have. -#}
{% macro raw_dir_relation(entity, raw_dir) %}
    {{- return(adapter.dispatch('raw_dir_relation', 'commops')(entity, raw_dir)) -}}
{% endmacro %}

{% macro default__raw_dir_relation(entity, raw_dir) %}
    {{ exceptions.raise_compiler_error("RAW_DIR is read by the DuckDB target only; on " ~ target.type ~ " load the exports into the `raw` schema and set raw_source: tables") }}
{% endmacro %}

{% macro duckdb__raw_dir_relation(entity, raw_dir) %}
    {%- set result = {'sql': "(select 1 as placeholder)", 'name': raw_dir ~ '/' ~ entity, 'records': false} -%}
    {%- if execute -%}
        {%- set found = fromjson(run_query(
            "select commops_raw_export('" ~ raw_dir | replace("'", "''") ~ "', '" ~ entity ~ "')"
        ).rows[0][0]) -%}
        {%- if 'error' in found -%}
            {{ exceptions.raise_compiler_error(found['error']) }}
        {%- endif -%}
        {%- set path = found.get('path', '') | replace("'", "''") -%}
        {%- if found['kind'] == 'absent' -%}
            {%- do result.update({'sql': none}) -%}
        {%- elif found['kind'] == 'folder' -%}
            {%- do result.update({'sql': "read_parquet('" ~ path ~ "', union_by_name = true)"}) -%}
        {%- else -%}
            {%- do result.update({'sql': "read_parquet('" ~ path ~ "')", 'records': found['kind'] == 'records'}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(result) }}
{% endmacro %}
