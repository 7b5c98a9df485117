{#- The text of group `n` of part `kind` ('date', 'clock' or 'zone') of a value matching
    timestamp_pattern; empty when that part is absent. Groups: date 1 year, 2 month, 3 day;
    clock 1 hour, 2 minute, 4 second, 6 fraction; zone 1 zone (Z or offset), 2 sign, 3 offset
    hours, 4 offset minutes. -#}
{% macro timestamp_part(expr, kind, n) -%}
    {%- set patterns = {'date': commops._date_parts_pattern(), 'clock': commops._clock_parts_pattern(), 'zone': commops._zone_parts_pattern()} -%}
    {{ commops.regex_group(expr, patterns[kind], n) }}
{%- endmacro %}

{#- Groups: 1 year, 2 month, 3 day. -#}
{% macro _date_parts_pattern() -%}{{ return('^([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})') }}{%- endmacro %}
{#- Groups: 1 hour, 2 minute, 4 second, 6 fraction. -#}
{% macro _clock_parts_pattern() -%}{{ return('^[^ T]+[ T]([0-9]{1,2}):([0-9]{2})(:([0-9]{2})([.]([0-9]{1,9}))?)?') }}{%- endmacro %}
{#- Groups: 1 zone (Z or offset), 2 sign, 3 offset hours, 4 offset minutes. -#}
{% macro _zone_parts_pattern() -%}{{ return('[0-9](Z|([+-])([0-9]{2}):([0-9]{2}))$') }}{%- endmacro %}
