with

source as (
    select * from {{ ref('cost_category_map') }}
),

final as (
    select
        lower({{ commops.trimmed('label') }}) as label_key,
        {{ commops.trimmed('label') }} as label,
        lower({{ commops.trimmed('category') }}) as category
    from source
)

select * from final
