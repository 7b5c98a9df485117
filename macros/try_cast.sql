{#- cast that yields null instead of an error (DuckDB and Spark both spell it try_cast). -#}
{% macro try_cast(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}
