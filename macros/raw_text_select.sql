{#- `select` of one raw export's named columns (CONTRACT §2) as text under their contract
    names, from wherever the raw data is: RAW_DIR files (DuckDB), the `raw` schema
    (`raw_source: tables`) or the demo seeds; then malformed_line and malformed_text, set only
    on a malformed CSV record (its line and text, CONTRACT §3; its named columns are null) and
    null from every other source. Column names match after trimming (trim_characters),
    case-insensitively, the first of several equal names winning; a missing required column
    fails naming the file or table and the column; a missing optional column reads as empty;
    extra columns are ignored. An optional export (CONTRACT §1) that is absent, no file or no
    table, reads as no rows. -#}
{% macro raw_text_select(entity) %}
    {%- set spec = commops.raw_entity_columns(entity) -%}
    {%- set raw_dir = env_var('RAW_DIR', '') | trim -%}
    {%- set records = false -%}
    {%- if raw_dir -%}
        {%- set found = commops.raw_dir_relation(entity, raw_dir) -%}
        {%- set from_sql = found['sql'] -%}
        {%- set where = found['name'] -%}
        {%- set records = found['records'] -%}
    {%- elif var('raw_source') == 'tables' -%}
        {%- set from_sql = source('raw', entity) -%}
        {%- set where = 'table ' ~ from_sql -%}
        {%- if execute and spec['optional']
            and adapter.get_relation(from_sql.database, from_sql.schema, from_sql.identifier) is none -%}
            {%- set from_sql = none -%}
        {%- endif -%}
    {%- elif var('raw_source') == 'seeds' -%}
        {%- set from_sql = ref('raw_' ~ entity) -%}
        {%- set where = 'seed ' ~ from_sql -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("var raw_source must be 'seeds' or 'tables', not '" ~ var('raw_source') ~ "'") }}
    {%- endif -%}
    {%- if from_sql is none -%}
        {{ return(_absent_export(spec)) }}
    {%- endif -%}
    {%- set trimmed_away = [] -%}
    {%- for point in commops.trim_characters() -%}
        {%- do trimmed_away.append('%c' | format(point)) -%}
    {%- endfor -%}
    {%- set present = {} -%}
    {%- if execute -%}
        {%- for column in _describe_columns(from_sql) -%}
            {%- set name = column[0].strip(trimmed_away | join('')) | lower -%}
            {%- if name not in present -%}
                {%- do present.update({name: column}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for name, required in spec['columns'] -%}
            {%- if required and name not in present -%}
                {{ exceptions.raise_compiler_error(where ~ ": required column '" ~ name ~ "' is missing (columns found: " ~ (present.keys() | list | sort | join(', ')) ~ ")") }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
    select
    {%- for name, required in spec['columns'] %}
        {% if name in present -%}
            {{ commops.text_of(adapter.quote(present[name][0]), present[name][1]) }}
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as {{ name }},
    {%- endfor %}
    {%- if records %}
        malformed_line,
        malformed_text
    {%- else %}
        cast(null as bigint) as malformed_line,
        cast(null as {{ dbt.type_string() }}) as malformed_text
    {%- endif %}
    from {{ from_sql }}
{%- endmacro %}

{#- An absent optional export: its named columns as text, the malformed-record columns, and no
    rows. -#}
{% macro _absent_export(spec) %}
    select
    {%- for name, required in spec['columns'] %}
        cast(null as {{ dbt.type_string() }}) as {{ name }},
    {%- endfor %}
        cast(null as bigint) as malformed_line,
        cast(null as {{ dbt.type_string() }}) as malformed_text
    where 1 = 0
{%- endmacro %}

{#- (name, data type) of every column of a relation or a `from` expression. -#}
{% macro _describe_columns(from_sql) %}
    {%- if from_sql is string -%}
        {%- set result = run_query('describe select * from ' ~ from_sql) -%}
        {%- set columns = [] -%}
        {%- for row in result.rows -%}
            {%- do columns.append((row[0], row[1])) -%}
        {%- endfor -%}
        {{ return(columns) }}
    {%- else -%}
        {%- set columns = [] -%}
        {%- for column in adapter.get_columns_in_relation(from_sql) -%}
            {%- do columns.append((column.name, column.dtype)) -%}
        {%- endfor -%}
        {%- if columns | length == 0 -%}
            {{ exceptions.raise_compiler_error("raw " ~ from_sql ~ " does not exist or has no columns") }}
        {%- endif -%}
        {{ return(columns) }}
    {%- endif -%}
{% endmacro %}
