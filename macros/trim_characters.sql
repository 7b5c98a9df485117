{#- The characters CONTRACT §2 trims from both ends of every raw value and header name, as
    Unicode code points: White_Space of Unicode 15 (tab, LF, VT, FF, CR, space, U+0085, NBSP,
    U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, the ideographic space U+3000; not
    U+180E) and the invisible U+200B (zero-width space) and U+FEFF (byte-order mark).
    commops.exports.TRIMMED is the same set for Python. -#}
{% macro trim_characters() -%}
    {{- return([
        9, 10, 11, 12, 13, 32, 133, 160, 5760,
        8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
        8232, 8233, 8239, 8287, 12288,
        8203, 65279,
    ]) -}}
{%- endmacro %}
