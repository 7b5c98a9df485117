{#- The authenticity flag model of each raw entity (CONTRACT §6): one row per flagged staged
    row and reason. Read from var `flag_models` (commops.detection reads the same var). -#}
{% macro flag_models() -%}
    {{ return(var('flag_models')) }}
{%- endmacro %}
