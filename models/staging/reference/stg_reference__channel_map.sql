with

source as (
    select * from {{ ref('channel_map') }}
),

final as (
    select
        lower(trim(label)) as label_key,
        trim(label) as label,
        trim(channel) as channel,
        trim(channel_name_zh) as channel_name_zh
    from source
)

select * from final
