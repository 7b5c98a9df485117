{#- CONTRACT §2 timestamps: the whole pattern validates a value; three smaller patterns
    (timestamp_part) take its date, clock and zone apart (engines allow only nine groups in one
    pattern). -#}
{% macro timestamp_pattern() -%}
    {{- return('^[0-9]{4}(-[0-9]{1,2}-|/[0-9]{1,2}/)[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$') -}}
{%- endmacro %}
