{#- The raw entities, in CONTRACT order (var `raw_exports`). -#}
{% macro raw_entities() -%}
    {{ return(var('raw_exports').keys() | list) }}
{%- endmacro %}
