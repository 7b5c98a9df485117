{#- The raw entities, in CONTRACT order. -#}
{% macro raw_entities() -%}
    {{ return(['members', 'events', 'spend', 'loans', 'repayments']) }}
{%- endmacro %}
