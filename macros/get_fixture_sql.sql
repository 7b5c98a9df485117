{#- The given rows of a dbt unit test as SQL. dbt writes one `select` per row joined by
    `union all`; Spark runs every such row as a task of its own, so a 200-row fixture read by
    five CTEs became 1,000 tasks (20 s for one unit test). On Spark the rows become a single
    VALUES list (one task), with the same columns, types and values; other adapters use dbt's
    own macro unchanged. -#}
{% macro get_fixture_sql(rows, column_name_to_data_types) %}
    {{- return(adapter.dispatch('get_fixture_sql', 'commops')(rows, column_name_to_data_types)) -}}
{% endmacro %}

{% macro default__get_fixture_sql(rows, column_name_to_data_types) %}
    {{- return(dbt.get_fixture_sql(rows, column_name_to_data_types)) -}}
{% endmacro %}

{% macro spark__get_fixture_sql(rows, column_name_to_data_types) %}
    {%- if (rows | length) < 2 -%}
        {{- return(dbt.get_fixture_sql(rows, column_name_to_data_types)) -}}
    {%- endif -%}
    {#- Column types as dbt finds them: given by the unit test, else read from the relation. -#}
    {%- set column_name_to_quoted = {} -%}
    {%- if not column_name_to_data_types -%}
        {%- set this_or_defer_relation = defer_relation if (defer_relation and not load_relation(this)) else this -%}
        {%- set column_name_to_data_types = {} -%}
        {%- for column in adapter.get_columns_in_relation(this_or_defer_relation) -%}
            {%- do column_name_to_data_types.update({column.name | lower: column.data_type}) -%}
            {%- do column_name_to_quoted.update({column.name | lower: column.quoted}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not column_name_to_data_types -%}
        {{ exceptions.raise_compiler_error("Not able to get columns for unit test '" ~ model.name ~ "' from relation " ~ this ~ " because the relation doesn't exist") }}
    {%- endif -%}
    {%- set default_row = {} -%}
    {%- for column_name, column_type in column_name_to_data_types.items() -%}
        {%- do default_row.update({column_name: (safe_cast("null", column_type) | trim)}) -%}
        {%- if column_name not in column_name_to_quoted -%}
            {%- do column_name_to_quoted.update({column_name: adapter.quote(column_name)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set value_rows = [] -%}
    {%- for row in rows -%}
        {%- set full_row = default_row.copy() -%}
        {%- do full_row.update(format_row(row, column_name_to_data_types)) -%}
        {%- do value_rows.append('(' ~ (full_row.values() | map('trim') | join(', ')) ~ ')') -%}
    {%- endfor -%}
-- Fixture for {{ model.name }}
select * from values
    {{ value_rows | join(',\n    ') }}
    as fixture ({{ column_name_to_quoted.values() | join(', ') }})
{% endmacro %}
