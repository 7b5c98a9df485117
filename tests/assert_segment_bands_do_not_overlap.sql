{#- Bands of one dimension must not overlap, or a value would fall in two (CONTRACT §1). -#}
with

bands as (
    select * from {{ ref('stg_reference__segment_bands') }}
),

overlapping as (
    select
        a.dimension,
        a.band as band_a,
        b.band as band_b
    from bands as a
    inner join bands as b
        on
            a.dimension = b.dimension
            and a.band < b.band
            and (a.upper_bound is null or b.lower_bound is null or b.lower_bound < a.upper_bound)
            and (b.upper_bound is null or a.lower_bound is null or a.lower_bound < b.upper_bound)
)

select * from overlapping
