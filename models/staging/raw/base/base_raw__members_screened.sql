{#- Every distinct raw member row, parsed, with the reason it is rejected (null when it is
    staged). stg_raw__members and rejected_rows read it. -#}
with

raw as {{ commops.inline_cte() }} (
    select * from {{ ref('base_raw__members') }}
),

channel_map as (
    select * from {{ ref('stg_reference__channel_map') }}
),

trimmed as (
    select
        {{ commops.raw_and_trimmed('members', 'raw') }}
        raw.raw_copies,
        raw.key_shared
    from raw
),

parsed as (
    select
        trimmed.*,
        {{ commops.parse_timestamp('joined_at_text') }} as joined_at,
        {{ commops.parse_timestamp('left_at_text') }} as left_at,
        {{ commops.parse_amount('annual_revenue_cny_text') }} as annual_revenue_cny,
        {{ commops.parse_integer('credit_score_text') }} as credit_score,
        {{ commops.parse_amount('requested_amount_cny_text') }} as requested_amount_cny,
        coalesce(channel_map.channel, 'unknown') as channel,
        coalesce(channel_map.channel_name_zh, '未知') as channel_name_zh,
        channel_map.label_key is null as is_channel_unmapped,
        lower(trimmed.member_type_text) as member_type_code,
        lower(trimmed.tier_text) as tier_code
    from trimmed
    left join channel_map
        on lower(trimmed.channel_text) = channel_map.label_key
),

checked as {{ commops.inline_cte() }} (
    select
        parsed.*,
        {{ commops.reject_reason(
            required=['member_id_text', 'joined_at_text', 'channel_text'],
            timestamps=[('joined_at_text', 'joined_at'), ('left_at_text', 'left_at')],
            amounts=[
                ('annual_revenue_cny_text', 'annual_revenue_cny'),
                ('credit_score_text', 'credit_score'),
                ('requested_amount_cny_text', 'requested_amount_cny'),
            ],
        ) }} as row_reason
    from parsed
),

key_conflicts as (
    {{ commops.conflicting_keys('checked', 'row_reason', 'member_id_text') }}
),

keyed as (
    select
        checked.*,
        {{ commops.with_key_conflicts('checked.row_reason', 'key_conflicts.conflicting_key') }}
            as reject_reason
    from checked
    left join key_conflicts
        on checked.member_id_text = key_conflicts.conflicting_key
),

final as (
    select
        member_id_text as member_id,
        joined_at,
        cast(joined_at as date) as joined_date,
        -- A joined_at exported as a date alone never counts toward a registration burst (CONTRACT §6).
        coalesce({{ commops.regex_like('joined_at_text', '^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}$') }}, false)
            as is_joined_date_only,
        community_id_text as community_id,
        channel_text as channel_label,
        channel,
        channel_name_zh,
        is_channel_unmapped,
        campaign_id_text as campaign_id,
        referrer_member_id_text as referrer_member_id,
        coalesce(member_type_code, 'unknown') as member_type,
        annual_revenue_cny,
        credit_score,
        requested_amount_cny,
        region_text as region,
        {{ commops.hash_pii(commops.phone_key('phone_text')) }} as phone_hash,
        {{ commops.hash_pii('lower(device_id_text)') }} as device_hash,
        tier_code as tier,
        left_at,
        cast(left_at as date) as left_date,
        {{ commops.is_unknown_code('member_type_code', 'member_type') }}
        or {{ commops.is_unknown_code('tier_code', 'tier') }} as has_unknown_code,
        raw_copies,
        reject_reason,
        {{ commops.rejected_raw_record('members', 'reject_reason') }} as raw_record
    from keyed
)

select * from final
