{#- One row per staged loan and authenticity flag (CONTRACT §6), on the staged values (not
    the as-of ones). A rule comparing two values applies only when both are present. -#}
{%- set rules = [
    ('decided_before_applied', 'is_decided_before_applied'),
    ('disbursed_before_decided', 'is_disbursed_before_decided'),
    ('disbursed_without_approval', 'is_disbursed_without_approval'),
    ('disbursed_over_approved', 'is_disbursed_over_approved'),
    ('unknown_member', 'is_unknown_member'),
] -%}
with

loans as (
    select * from {{ ref('stg_raw__loans') }}
),

members as (
    select * from {{ ref('stg_raw__members') }}
),

checked as (
    select
        loans.loan_id,
        coalesce(loans.decided_at < loans.applied_at, false) as is_decided_before_applied,
        coalesce(loans.disbursed_at < loans.decided_at, false) as is_disbursed_before_decided,
        loans.disbursed_at is not null
        and coalesce(loans.decision, '') <> 'approved' as is_disbursed_without_approval,
        -- Both amounts are in the loan's own currency, so no FX enters the comparison.
        coalesce(loans.disbursed_amount > loans.approved_amount, false) as is_disbursed_over_approved,
        members.member_id is null as is_unknown_member
    from loans
    left join members
        on loans.member_id = members.member_id
),

final as (
    {%- for reason, flag in rules %}
        select
            loan_id,
            '{{ reason }}' as reason
        from checked
        where {{ flag }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from final
