{#- The authenticity flag model of each raw entity (CONTRACT §6): one row per flagged staged
    row and reason. dq_checks counts them and a singular test checks they are all covered. -#}
{% macro flag_models() -%}
    {{ return({
        'members': 'int_member_flags',
        'events': 'int_event_flags',
        'spend': 'int_spend_flags',
        'loans': 'int_loan_flags',
        'repayments': 'int_repayment_flags',
        'orders': 'int_order_flags',
        'tickets': 'int_ticket_flags',
        'ad_stats': 'int_ad_stat_flags',
    }) }}
{%- endmacro %}
