with

acquisition_spend as (
    select * from {{ ref('int_acquisition_spend_monthly') }}
),

new_members as (
    select * from {{ ref('int_new_members_monthly') }}
),

new_funded_borrowers as (
    select * from {{ ref('int_new_funded_borrowers_monthly') }}
),

month_channels as (
    select
        month,
        channel
    from acquisition_spend
    union
    select
        month,
        channel
    from new_members
    union
    select
        month,
        channel
    from new_funded_borrowers
),

joined as (
    select
        month_channels.month,
        month_channels.channel,
        coalesce(new_members.new_members, 0) as new_members,
        coalesce(acquisition_spend.paid_spend_cny, 0) as paid_spend_cny,
        coalesce(acquisition_spend.fully_loaded_spend_cny, 0) as fully_loaded_spend_cny,
        coalesce(new_funded_borrowers.new_funded_borrowers, 0) as new_funded_borrowers
    from month_channels
    left join acquisition_spend
        on month_channels.month = acquisition_spend.month
            and month_channels.channel = acquisition_spend.channel
    left join new_members
        on month_channels.month = new_members.month
            and month_channels.channel = new_members.channel
    left join new_funded_borrowers
        on month_channels.month = new_funded_borrowers.month
            and month_channels.channel = new_funded_borrowers.channel
),

final as (
    select
        month,
        channel,
        new_members,
        paid_spend_cny,
        fully_loaded_spend_cny,
        case when new_members > 0 then paid_spend_cny / cast(new_members as double) end as paid_cac_cny,
        case when new_members > 0 then fully_loaded_spend_cny / cast(new_members as double) end
            as fully_loaded_cac_cny,
        new_funded_borrowers,
        case when new_funded_borrowers > 0 then fully_loaded_spend_cny / cast(new_funded_borrowers as double) end
            as cost_per_funded_borrower_cny,
        fully_loaded_spend_cny * {{ var('opportunity_cost_annual_rate') }} / 12 as opportunity_cost_cny
    from joined
)

select
    month,
    channel,
    new_members,
    paid_spend_cny,
    fully_loaded_spend_cny,
    paid_cac_cny,
    fully_loaded_cac_cny,
    new_funded_borrowers,
    cost_per_funded_borrower_cny,
    opportunity_cost_cny
from final
