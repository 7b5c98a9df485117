{#- The accepted values of every code column (CONTRACT §2), each export's list for its own
    column (loan_status and order_status, spend_module and order_module differ). A value
    outside its list is kept, lower-cased, and counted as unknown_code (cost_center: rejected).
    code_list writes a list as SQL; a model that needs a row per code (mart_module_monthly)
    reads it here. -#}
{% macro code_values(code) %}
    {%- set codes = {
        'member_type': ['sme', 'enterprise', 'individual_investor', 'institution', 'partner'],
        'tier': ['basic', 'paid', 'premium'],
        'event_type': ['post', 'comment', 'like', 'share', 'click', 'view', 'attend', 'login'],
        'cost_center': ['community', 'customer_service'],
        'decision': ['approved', 'rejected', 'pending', 'withdrawn'],
        'loan_status': ['open', 'repaid', 'overdue', 'defaulted'],
        'product': ['working_capital', 'project_finance', 'equipment', 'trade_finance'],
        'spend_module': ['membership', 'paid_content', 'social_commerce', 'training', 'referral'],
        'order_module': ['membership', 'paid_content', 'social_commerce', 'training'],
        'order_status': ['paid', 'refunded'],
        'contact_channel': ['phone', 'wechat', 'email', 'app', 'community'],
        'topic': ['loan_question', 'repayment', 'complaint', 'account', 'other'],
    } -%}
    {%- if code not in codes -%}
        {{ exceptions.raise_compiler_error('code_values: no code list named ' ~ code) }}
    {%- endif -%}
    {{ return(codes[code]) }}
{% endmacro %}
