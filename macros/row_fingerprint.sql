{#- A 64-bit hash of a row's text columns (each column hashed on its own, so ('ab', 'c') and
    ('a', 'bc') differ): how an incremental run recognises a raw row it has already screened.
    Engine-specific values, compared only with values the same engine wrote. -#}
{% macro row_fingerprint(columns) %}
    {{- return(adapter.dispatch('row_fingerprint', 'commops')(columns)) -}}
{% endmacro %}

{% macro default__row_fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_fingerprint(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
