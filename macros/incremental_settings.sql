{#- How the incremental models of the event path are materialized, per adapter: DuckDB updates
    them in place (delete+insert on their unique_key); Spark merges into Delta, Iceberg or Hudi
    tables (COMMOPS_SPARK_FILE_FORMAT) and, on plain Parquet, which cannot delete or update
    rows, rebuilds them as tables on every run (the same SQL with is_incremental() false). -#}
{% macro incremental_settings() %}
    {{- return(adapter.dispatch('incremental_settings', 'commops')()) -}}
{% endmacro %}

{% macro default__incremental_settings() %}
    {{- return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert'}) -}}
{% endmacro %}

{% macro spark__incremental_settings() %}
    {%- if env_var('COMMOPS_SPARK_FILE_FORMAT', 'parquet') | lower in ('delta', 'iceberg', 'hudi') -%}
        {{- return({'materialized': 'incremental', 'incremental_strategy': 'merge'}) -}}
    {%- endif -%}
    {{- return({'materialized': 'table', 'incremental_strategy': none}) -}}
{% endmacro %}
