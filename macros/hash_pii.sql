{#- SHA-256 hex digest of the salted value; null stays null. The salt (COMMOPS_PII_SALT) is
    never written into the SQL: on DuckDB it comes from the function commops_pii_salt() that
    commops/duckdb_plugin.py registers, on Spark from the session variable commops_pii_salt
    that commops.spark_load declares. So no compiled file, log or table holds it. -#}
{% macro hash_pii(expr) %}
    {{- return(adapter.dispatch('hash_pii', 'commops')(expr)) -}}
{% endmacro %}

{% macro default__hash_pii(expr) -%}
    case when {{ expr }} is not null then sha256((select commops_pii_salt()) || {{ expr }}) end
{%- endmacro %}

{% macro spark__hash_pii(expr) -%}
    case when {{ expr }} is not null then sha2(concat(commops_pii_salt, {{ expr }}), 256) end
{%- endmacro %}
