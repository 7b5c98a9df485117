{#- One row per staged ad-delivery row and authenticity flag (CONTRACT §6): more clicks than
    impressions (an empty count reads as 0). -#}
with

ad_stats as (
    select * from {{ ref('stg_raw__ad_stats') }}
),

final as (
    select
        ad_stat_key,
        'clicks_over_impressions' as reason
    from ad_stats
    where clicks > impressions
)

select * from final
