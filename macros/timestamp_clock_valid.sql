{#- True when the clock and offset of a value matching timestamp_pattern are in range. -#}
{% macro timestamp_clock_valid(expr) -%}
    {{ commops.timestamp_part_int(expr, 'clock', 1) }} <= 23
    and {{ commops.timestamp_part_int(expr, 'clock', 2) }} <= 59
    and {{ commops.timestamp_part_int(expr, 'clock', 4) }} <= 59
    and {{ commops.timestamp_part_int(expr, 'zone', 3) }} <= 23
    and {{ commops.timestamp_part_int(expr, 'zone', 4) }} <= 59
{%- endmacro %}
