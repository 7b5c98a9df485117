with

source as (
    select * from {{ ref('cost_category_map') }}
),

final as (
    select
        lower(trim(label)) as label_key,
        trim(label) as label,
        lower(trim(category)) as category
    from source
)

select * from final
