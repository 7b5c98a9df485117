with

source as (
    select * from {{ ref('segment_bands') }}
),

final as (
    select
        lower({{ commops.trimmed('dimension') }}) as dimension,
        {{ commops.trimmed('band') }} as band,
        cast(lower as double) as lower_bound,
        cast(upper as double) as upper_bound
    from source
)

select * from final
