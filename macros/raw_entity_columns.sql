{#- The columns of each raw export (CONTRACT §2), in export order, with whether each is
    required and which is the key. The one place that lists them. -#}
{% macro raw_entity_columns(entity) %}
    {%- set entities = {
        'members': {'key': 'member_id', 'columns': [
            ('member_id', true), ('joined_at', true), ('community_id', false), ('channel', true),
            ('campaign_id', false), ('referrer_member_id', false), ('member_type', false),
            ('annual_revenue_cny', false), ('credit_score', false), ('requested_amount_cny', false),
            ('region', false), ('phone', false), ('device_id', false), ('tier', false),
            ('left_at', false)]},
        'events': {'key': 'event_id', 'columns': [
            ('event_id', true), ('member_id', true), ('occurred_at', true), ('event_type', true),
            ('community_id', false), ('content_id', false)]},
        'spend': {'key': 'spend_id', 'columns': [
            ('spend_id', true), ('spend_date', true), ('cost_center', true), ('category', true),
            ('channel', false), ('campaign_id', false), ('vendor', false), ('amount', true),
            ('currency', true), ('invoice_no', false)]},
        'loans': {'key': 'loan_id', 'columns': [
            ('loan_id', true), ('member_id', true), ('product', false), ('applied_at', true),
            ('requested_amount', false), ('currency', true), ('decision', false),
            ('decided_at', false), ('approved_amount', false), ('disbursed_at', false),
            ('disbursed_amount', false), ('term_months', false), ('annual_rate', false),
            ('origination_fee', false), ('status', false)]},
        'repayments': {'key': 'repayment_id', 'columns': [
            ('repayment_id', true), ('loan_id', true), ('due_date', true), ('paid_at', false),
            ('principal', false), ('interest', false), ('fee', false), ('currency', true)]},
    } -%}
    {%- if entity not in entities -%}
        {{ exceptions.raise_compiler_error("unknown raw entity '" ~ entity ~ "'") }}
    {%- endif -%}
    {{ return(entities[entity]) }}
{% endmacro %}
