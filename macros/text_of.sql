{#- A typed raw column as the text CONTRACT §2 reads it: numbers as plain digits with `.`,
    dates as YYYY-MM-DD, naive timestamps as YYYY-MM-DD HH:MM:SS.ffffff (Shanghai local),
    zoned timestamps as UTC with Z. -#}
{% macro text_of(column, data_type) %}
    {{- return(adapter.dispatch('text_of', 'commops')(column, data_type)) -}}
{% endmacro %}

{% macro default__text_of(column, data_type) -%}
    {%- set t = data_type | lower -%}
    {%- if t.startswith('varchar') or t.startswith('string') or t == 'text' -%}
        {{ column }}
    {%- elif t == 'date' -%}
        strftime({{ column }}, '%Y-%m-%d')
    {%- elif t.startswith('timestamp with time zone') or t == 'timestamptz' -%}
        strftime(timezone('UTC', {{ column }}), '%Y-%m-%d %H:%M:%S.%f') || 'Z'
    {%- elif t.startswith('timestamp') -%}
        strftime(cast({{ column }} as timestamp), '%Y-%m-%d %H:%M:%S.%f')
    {%- elif t in ('double', 'float', 'real', 'float4', 'float8') -%}
        cast(cast({{ column }} as decimal(38, 9)) as varchar)
    {%- else -%}
        cast({{ column }} as varchar)
    {%- endif -%}
{%- endmacro %}

{% macro spark__text_of(column, data_type) -%}
    {%- set t = data_type | lower -%}
    {%- if t == 'string' or t.startswith('varchar') or t.startswith('char') -%}
        {{ column }}
    {%- elif t == 'date' -%}
        date_format({{ column }}, 'yyyy-MM-dd')
    {%- elif t == 'timestamp_ntz' -%}
        date_format({{ column }}, 'yyyy-MM-dd HH:mm:ss.SSSSSS')
    {%- elif t.startswith('timestamp') -%}
        date_format(to_utc_timestamp({{ column }}, current_timezone()), 'yyyy-MM-dd HH:mm:ss.SSSSSS') || 'Z'
    {%- elif t in ('double', 'float') -%}
        cast(cast({{ column }} as decimal(38, 9)) as string)
    {%- else -%}
        cast({{ column }} as string)
    {%- endif -%}
{%- endmacro %}
