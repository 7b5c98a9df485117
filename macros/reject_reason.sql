{#- The first CONTRACT §3 reject reason that applies to a row, or null: `malformed_row` first,
    for a malformed CSV record (its malformed_line is set: raw_and_trimmed passes it through);
    then `required` lists text columns; `timestamps`, `dates` and `amounts` list (text column,
    parsed column) pairs, the parsed one null when the text did not parse; `checks` lists
    (condition, reason) pairs tried last, in order. -#}
{% macro reject_reason(required=[], timestamps=[], dates=[], amounts=[], checks=[]) -%}
    case
        when malformed_line is not null
            then 'malformed_row'
        when {% for c in required %}{{ c }} is null{{ ' or ' if not loop.last }}{% endfor %}
            then 'missing_required'
        {%- for reason, pairs in [('unparseable_timestamp', timestamps), ('unparseable_date', dates), ('unparseable_amount', amounts)] if pairs %}
        when {% for text, parsed in pairs %}({{ text }} is not null and {{ parsed }} is null){{ ' or ' if not loop.last }}{% endfor %}
            then '{{ reason }}'
        {%- endfor %}
        {%- for condition, reason in checks %}
        when {{ condition }}
            then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}
