{#- Aggregate: the distinct non-null values of `expr`, sorted and joined by `,`. -#}
{% macro sorted_list_agg(expr) %}
    {{- return(adapter.dispatch('sorted_list_agg', 'commops')(expr)) -}}
{% endmacro %}

{% macro default__sorted_list_agg(expr) -%}
    string_agg(distinct {{ expr }}, ',' order by {{ expr }})
{%- endmacro %}

{% macro spark__sorted_list_agg(expr) -%}
    array_join(sort_array(collect_set({{ expr }})), ',')
{%- endmacro %}
