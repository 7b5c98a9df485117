{#- Whether the PII hashes' salt is the demo's public one (COMMOPS_PII_SALT unset or equal to
    it). Asked of the warehouse session, which holds the salt; the salt never enters the SQL. -#}
{% macro pii_salt_is_public() %}
    {{- return(adapter.dispatch('pii_salt_is_public', 'commops')()) -}}
{% endmacro %}

{% macro default__pii_salt_is_public() %}
    {{- return(run_query("select commops_pii_salt_is_public()").rows[0][0]) -}}
{% endmacro %}

{% macro spark__pii_salt_is_public() %}
    {{- return(run_query("select commops_pii_salt = 'commops-demo-salt'").rows[0][0]) -}}
{% endmacro %}
