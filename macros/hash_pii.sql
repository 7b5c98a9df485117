{#- SHA-256 hex digest of the salted value; null stays null. -#}
{% macro hash_pii(expr) %}
    {{- return(adapter.dispatch('hash_pii', 'commops')(expr)) -}}
{% endmacro %}

{% macro default__hash_pii(expr) -%}
    case when {{ expr }} is not null then sha256('{{ var("pii_salt") }}' || {{ expr }}) end
{%- endmacro %}

{% macro spark__hash_pii(expr) -%}
    case when {{ expr }} is not null then sha2('{{ var("pii_salt") }}' || {{ expr }}, 256) end
{%- endmacro %}
