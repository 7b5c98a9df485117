with

source as (
    select * from {{ ref('channel_map') }}
),

final as (
    select
        lower({{ commops.trimmed('label') }}) as label_key,
        {{ commops.trimmed('label') }} as label,
        {{ commops.trimmed('channel') }} as channel,
        {{ commops.trimmed('channel_name_zh') }} as channel_name_zh
    from source
)

select * from final
