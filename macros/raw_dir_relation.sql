{#- The `from` expression reading one raw export from the RAW_DIR folder: exactly one of
    NAME.csv, NAME.parquet or a folder NAME/ of Parquet parts, every column as text. -#}
{% macro raw_dir_relation(entity, raw_dir) %}
    {{- return(adapter.dispatch('raw_dir_relation', 'commops')(entity, raw_dir)) -}}
{% endmacro %}

{% macro default__raw_dir_relation(entity, raw_dir) %}
    {{ exceptions.raise_compiler_error("RAW_DIR is read by the DuckDB target only; on " ~ target.type ~ " load the exports into the `raw` schema and set raw_source: tables") }}
{% endmacro %}

{% macro duckdb__raw_dir_relation(entity, raw_dir) %}
    {%- set base = (raw_dir.rstrip('/') ~ '/' ~ entity) -%}
    {%- set quoted = base | replace("'", "''") -%}
    {%- set result = {'sql': "(select 1 as placeholder)", 'name': base} -%}
    {%- if execute -%}
        {%- set found = run_query(
            "select 'csv' as kind, count(*) as files from glob('" ~ quoted ~ ".csv')"
            ~ " union all select 'parquet', count(*) from glob('" ~ quoted ~ ".parquet')"
            ~ " union all select 'folder', count(*) from glob('" ~ quoted ~ "/**/*.parquet')"
        ) -%}
        {%- set kinds = [] -%}
        {%- for row in found.rows if row[1] > 0 -%}
            {%- do kinds.append(row[0]) -%}
        {%- endfor -%}
        {%- set names = {'csv': base ~ '.csv', 'parquet': base ~ '.parquet', 'folder': base ~ '/'} -%}
        {%- if kinds | length == 0 -%}
            {{ exceptions.raise_compiler_error("RAW_DIR " ~ raw_dir ~ ": no " ~ entity ~ ".csv, " ~ entity ~ ".parquet or " ~ entity ~ "/ folder of Parquet parts") }}
        {%- elif kinds | length > 1 -%}
            {%- set listed = [] -%}
            {%- for kind in kinds -%}{%- do listed.append(names[kind]) -%}{%- endfor -%}
            {{ exceptions.raise_compiler_error("RAW_DIR " ~ raw_dir ~ ": " ~ entity ~ " is exported more than once (" ~ listed | join(', ') ~ "); keep exactly one") }}
        {%- endif -%}
        {%- set kind = kinds[0] -%}
        {%- if kind == 'csv' -%}
            {%- do result.update({'name': names['csv'], 'sql':
                "read_csv('" ~ quoted ~ ".csv', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', auto_detect = true)"}) -%}
        {%- elif kind == 'parquet' -%}
            {%- do result.update({'name': names['parquet'], 'sql': "read_parquet('" ~ quoted ~ ".parquet')"}) -%}
        {%- else -%}
            {%- do result.update({'name': names['folder'], 'sql': "read_parquet('" ~ quoted ~ "/**/*.parquet', union_by_name = true)"}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(result) }}
{% endmacro %}
