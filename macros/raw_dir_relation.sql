{#- The `from` expression reading one raw export from the RAW_DIR folder, every column as text,
    and the export's name for messages. Which file, its encoding and its delimiter are settled
    by commops.exports (commops/duckdb_plugin.py): UTF-8 CSV and Parquet are read in place,
    GB18030 CSV and .xlsx from a UTF-8 copy in the cache folder beside the working file. `sql`
    is none for an optional export the folder does not have. -#}
{% macro raw_dir_relation(entity, raw_dir) %}
    {{- return(adapter.dispatch('raw_dir_relation', 'commops')(entity, raw_dir)) -}}
{% endmacro %}

{% macro default__raw_dir_relation(entity, raw_dir) %}
    {{ exceptions.raise_compiler_error("RAW_DIR is read by the DuckDB target only; on " ~ target.type ~ " load the exports into the `raw` schema and set raw_source: tables") }}
{% endmacro %}

{% macro duckdb__raw_dir_relation(entity, raw_dir) %}
    {%- set result = {'sql': "(select 1 as placeholder)", 'name': raw_dir ~ '/' ~ entity} -%}
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
        {%- elif found['kind'] == 'csv' -%}
            {%- set delimiter = '\\t' if found['delimiter'] == '\t' else found['delimiter'] -%}
            {%- do result.update({'sql':
                "read_csv('" ~ path ~ "', header = true, all_varchar = true, delim = e'" ~ delimiter
                ~ "', quote = '\"', escape = '\"', auto_detect = true)"}) -%}
        {%- elif found['kind'] == 'parquet' -%}
            {%- do result.update({'sql': "read_parquet('" ~ path ~ "')"}) -%}
        {%- else -%}
            {%- do result.update({'sql': "read_parquet('" ~ path ~ "', union_by_name = true)"}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(result) }}
{% endmacro %}
