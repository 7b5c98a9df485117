{#- A typed raw column as the text CONTRACT §2 reads it: numbers as plain digits with `.` and no
    exponent (a float with the fewest digits that read back as the same number of its own
    width, float or double; NaN and the infinities as `NaN`, `Infinity`, `-Infinity`, so they
    are not amounts), dates as YYYY-MM-DD, naive timestamps as YYYY-MM-DD HH:MM:SS.ffffff
    (Shanghai local), zoned timestamps as UTC with Z. -#}
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
        {#- DuckDB writes a float with the fewest digits that read back (e.g. 1e+30, 0.1). -#}
        {{ commops._float_text(column, 'cast(' ~ column ~ ' as varchar)') }}
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
        {#- Java's Double.toString / Float.toString (e.g. 1.0E30, 0.1): the fewest digits from
            Java 19 on; Java 17 writes a few values with a digit or two more that still read
            back as the same number (2.82879384806159008E17). -#}
        {{ commops._float_text(column, 'cast(' ~ column ~ ' as string)') }}
    {%- else -%}
        cast({{ column }} as string)
    {%- endif -%}
{%- endmacro %}

{#- A float column as plain digits, from `repr`, the engine's text of it: `digits[.digits]`
    with an optional exponent (e or E), which is moved into the digits; then trailing zeros
    after the point and a bare point are dropped (0.1, 1234.5, 100, 0.0000001). -#}
{% macro _float_text(column, repr) -%}
    {%- set r = 'lower(' ~ repr ~ ')' -%}
    {%- set whole = commops.regex_group(r, '^-?([0-9]+)', 1) -%}
    {%- set fraction = commops.regex_group(r, '^-?[0-9]+[.]?([0-9]*)', 1) -%}
    {%- set digits = '(' ~ whole ~ ' || ' ~ fraction ~ ')' -%}
    {%- set exponent = 'coalesce(' ~ commops.try_cast(
        "nullif(" ~ commops.regex_group(r, 'e([+-]?[0-9]+)$', 1) ~ ", '')", 'int') ~ ', 0)' -%}
    {%- set point = '(length(' ~ whole ~ ') + ' ~ exponent ~ ')' -%}
    {%- set placed -%}
        (case
            when {{ point }} <= 0 then '0.' || repeat('0', -{{ point }}) || {{ digits }}
            when {{ point }} >= length({{ digits }}) then {{ digits }} || repeat('0', {{ point }} - length({{ digits }}))
            else substr({{ digits }}, 1, {{ point }}) || '.' || substr({{ digits }}, {{ point }} + 1)
        end)
    {%- endset -%}
    case
        when {{ column }} is null then null
        when isnan({{ column }}) then 'NaN'
        when {{ column }} = cast('Infinity' as double) then 'Infinity'
        when {{ column }} = cast('-Infinity' as double) then '-Infinity'
        when {{ column }} = 0 then '0'
        else
            (case when {{ column }} < 0 then '-' else '' end)
            || (case
                when {{ placed }} like '%.%'
                    then regexp_replace(regexp_replace({{ placed }}, '0+$', ''), '[.]$', '')
                else {{ placed }}
            end)
    end
{%- endmacro %}
