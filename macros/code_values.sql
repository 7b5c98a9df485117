{#- The accepted values of every code column (CONTRACT §2). A value outside its list is kept,
    lower-cased, and counted as unknown_code (cost_center: rejected). -#}
{% macro code_values(code) %}
    {%- set codes = {
        'member_type': ['sme', 'enterprise', 'individual_investor', 'institution', 'partner'],
        'tier': ['basic', 'paid', 'premium'],
        'event_type': ['post', 'comment', 'like', 'share', 'click', 'view', 'attend', 'login'],
        'cost_center': ['community', 'customer_service'],
        'decision': ['approved', 'rejected', 'pending', 'withdrawn'],
        'status': ['open', 'repaid', 'overdue', 'defaulted'],
        'product': ['working_capital', 'project_finance', 'equipment', 'trade_finance'],
    } -%}
    {{ return(codes[code]) }}
{% endmacro %}

{#- True when a lower-cased code value is present and outside its list. -#}
{% macro is_unknown_code(expr, code) -%}
    ({{ expr }} is not null and {{ expr }} not in {{ commops.code_list(code) }})
{%- endmacro %}

{#- SQL list literal of a code's values, for accepted-values filters. -#}
{% macro code_list(code) -%}
    ({% for v in commops.code_values(code) %}'{{ v }}'{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#- True when a lower-cased code value is one of its list. -#}
{% macro is_known_code(expr, code) -%}
    coalesce({{ expr }} in {{ commops.code_list(code) }}, false)
{%- endmacro %}
